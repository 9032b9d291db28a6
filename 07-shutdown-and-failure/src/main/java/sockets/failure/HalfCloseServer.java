package sockets.failure;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sockets.cli.CommandLine;
import sockets.cli.Programs;

/**
 * One request per connection, ended the HTTP/1.0 way: the client sends its request and shuts down
 * its sending side; the server reads to end of stream, answers (the request in upper case), and
 * closes. Every read has a timeout, so a client that never half-closes is answered with an error
 * instead of holding a thread for ever; and before closing, the server reads whatever the client
 * is still sending, so its close is a FIN, never a reset that could destroy the answer.
 *
 * <pre>printf 'hello' | nc -N 127.0.0.1 5007</pre>
 */
public final class HalfCloseServer implements Programs.Server {

    public static final int DEFAULT_PORT = 5007;
    public static final int DEFAULT_MAX_REQUEST = 1 << 20;
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);

    private static final String USAGE = """
            usage: HalfCloseServer [--host HOST] [--port PORT] [--read-timeout SECONDS] [--max-request BYTES]
              --host HOST              address to listen on (default 127.0.0.1)
              --port PORT              port to listen on (default 5007; 0 picks a free port)
              --read-timeout SECONDS   longest wait for the rest of a request (default 10)
              --max-request BYTES      largest request answered (default 1048576)""";

    private final ServerSocket listener;
    private final Duration readTimeout;
    private final int maxRequest;
    private final PrintStream log;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closed;

    private HalfCloseServer(ServerSocket listener, Duration readTimeout, int maxRequest, PrintStream log) {
        this.listener = listener;
        this.readTimeout = readTimeout;
        this.maxRequest = maxRequest;
        this.log = log;
    }

    public static HalfCloseServer bind(InetSocketAddress address, Duration readTimeout, int maxRequest, PrintStream log)
            throws IOException {
        ServerSocket listener = new ServerSocket();
        try {
            listener.bind(address);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        return new HalfCloseServer(listener, readTimeout, maxRequest, log);
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    public void serve() {
        try {
            while (!closed) {
                Socket client;
                try {
                    client = listener.accept();
                } catch (IOException e) {
                    if (closed) {
                        break;
                    }
                    log.println("accept failed: " + e.getMessage());
                    continue;
                }
                connections.add(client);
                Thread.ofVirtual().start(() -> handle(client));
            }
        } finally {
            stopped.countDown();
        }
    }

    // tag::handle[]
    private void handle(Socket client) {
        String peer = Programs.hostPort(client.getRemoteSocketAddress());
        try {
            client.setSoTimeout(Math.toIntExact(readTimeout.toMillis())); // every read is bounded
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            byte[] request = in.readNBytes(maxRequest + 1); // returns at end of stream: the half-close
            if (request.length > maxRequest) {
                out.write(("error: request over " + maxRequest + " bytes\n").getBytes(StandardCharsets.UTF_8));
                log.println(peer + ": request over " + maxRequest + " bytes refused");
            } else {
                String text = new String(request, StandardCharsets.UTF_8);
                out.write(text.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
                log.println(peer + ": answered a request of " + request.length + " bytes");
            }
            client.shutdownOutput(); // "that is all": the client's read returns -1
            drain(in); // read what the client may still send, so close() sends FIN, not RST
        } catch (SocketTimeoutException e) {
            log.println(peer + ": no end of request within " + readTimeout.toMillis() + " ms (did the client shut down its output?)");
            answerQuietly(client, "error: no end of request within " + readTimeout.toMillis() + " ms; shut down your output\n");
        } catch (IOException e) {
            if (!closed) {
                log.println(peer + ": connection failed: " + e.getMessage());
            }
        } finally {
            closeQuietly(client); // only now: the error answer above still needed the socket
            connections.remove(client);
        }
    }

    /** Reads and discards until end of stream, or until the read timeout. */
    private static void drain(InputStream in) throws IOException {
        byte[] sink = new byte[8192];
        try {
            while (in.read(sink) != -1) {
                // discard: the answer has been sent
            }
        } catch (SocketTimeoutException stillSending) {
            // the client keeps its side open; closing now is the best we can do
        }
    }
    // end::handle[]

    private static void answerQuietly(Socket client, String message) {
        try {
            client.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
            client.shutdownOutput();
            drain(client.getInputStream());
        } catch (IOException ignored) {
            // the client is gone; nothing more to tell it
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // stopping anyway
        }
        for (Socket s : connections) {
            try {
                s.close();
            } catch (IOException ignored) {
                // stopping anyway
            }
        }
    }

    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            CommandLine line = new CommandLine(args, Set.of("host", "port", "read-timeout", "max-request"), Set.of(), false);
            if (line.help()) {
                out.println(USAGE);
                return 0;
            }
            Duration timeout = line.seconds("read-timeout", DEFAULT_READ_TIMEOUT);
            int max = line.number("max-request", DEFAULT_MAX_REQUEST, 1, 1 << 30);
            return Programs.serve("HalfCloseServer", Programs.listenAddress(line, DEFAULT_PORT),
                    address -> bind(address, timeout, max, out), out, err);
        } catch (CommandLine.UsageException e) {
            return Programs.usageError("HalfCloseServer", e, USAGE, err);
        }
    }
}
