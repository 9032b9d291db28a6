package sockets.echo;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import sockets.cli.CommandLine;
import sockets.cli.Programs;
import sockets.cli.Timeouts;

/**
 * Sends bytes to an echo server and prints exactly what comes back.
 *
 * <pre>
 * EchoClient hello world        sends "hello world\n", prints the echo
 * printf 'a\nb\n' | EchoClient  sends standard input, prints the echo as it arrives
 * </pre>
 *
 * <p>The two things the seed's client gets wrong, done right here: it reads until it has every
 * byte it is owed (one {@code read} returns whatever has arrived so far, E-07), and it tries
 * every address a host name resolves to (E-02).
 */
public final class EchoClient {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private static final String USAGE = """
            usage: EchoClient [--host HOST] [--port PORT] [--timeout SECONDS] [MESSAGE ...]
              --host HOST          server name or address (default 127.0.0.1); every address it resolves to is tried
              --port PORT          server port (default 5001)
              --timeout SECONDS    give up on a connect, or on an echo that stops arriving, after this long (default 10)
              MESSAGE ...          words to send, joined by spaces and ended by a newline;
                                   without them, standard input is sent until it ends""";

    private EchoClient() {
    }

    // tag::connect-any[]
    /**
     * Connects to the first of {@code addresses} that accepts. {@code new Socket(host, port)}
     * tries only the first address a name resolves to; a name such as {@code localhost} often
     * has two (::1 and 127.0.0.1), and the server may listen on only one of them.
     */
    public static Socket connect(List<InetAddress> addresses, int port, Duration timeout) throws IOException {
        IOException failure = null;
        for (InetAddress address : addresses) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(address, port), Timeouts.millis(timeout)); // never 0: 0 is forever
                return socket;
            } catch (IOException e) {
                socket.close();
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure == null) {
            throw new UnknownHostException("no addresses to connect to");
        }
        throw failure;
    }
    // end::connect-any[]

    /** Resolves {@code host} (throws {@link UnknownHostException}) and connects to any of its addresses. */
    public static Socket connect(String host, int port, Duration timeout) throws IOException {
        return connect(Arrays.asList(InetAddress.getAllByName(host)), port, timeout);
    }

    // tag::round-trip[]
    /**
     * Sends {@code request} and returns its echo, all of it. The request is written on a second
     * thread while this one reads: an echo server starts answering before it has the whole
     * request, and if nobody read the answer, both sides would fill their buffers and wait for
     * each other forever once the request outgrew them.
     */
    public static byte[] roundTrip(InputStream in, OutputStream out, byte[] request) throws IOException {
        Sender sender = Sender.start(() -> {
            out.write(request); // returns when every byte is handed to the kernel
            out.flush();
        });
        byte[] echo = readExactly(in, request.length);
        sender.finish();
        return echo;
    }
    // end::round-trip[]

    // tag::read-exactly[]
    /** Reads exactly {@code n} bytes, however many reads that takes, or fails with EOFException. */
    public static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] bytes = in.readNBytes(n); // loops over read() until n bytes or end of stream
        if (bytes.length < n) {
            throw new EOFException("connection closed after " + bytes.length + " of " + n + " bytes");
        }
        return bytes;
    }
    // end::read-exactly[]

    /**
     * Streams {@code source} to the server and everything the server sends back to {@code sink},
     * until both directions are finished: when {@code source} ends, the client shuts down its
     * sending side, so the server sees end of stream, closes, and the echo ends too.
     *
     * <p>The socket's read timeout applies only while an echo is owed: a person typing slowly
     * into standard input is not a dead server.
     *
     * @return the number of bytes echoed
     */
    public static long stream(Socket socket, InputStream source, OutputStream sink) throws IOException {
        AtomicLong sent = new AtomicLong();
        AtomicBoolean inputEnded = new AtomicBoolean();
        AtomicBoolean sendFailed = new AtomicBoolean();
        InputStream in = socket.getInputStream(); // before the sender can shut our input down
        Sender sender = Sender.start(() -> {
            try {
                OutputStream out = socket.getOutputStream();
                byte[] buffer = new byte[EchoServer.BUFFER_SIZE];
                int n;
                while ((n = source.read(buffer)) != -1) {
                    out.write(buffer, 0, n);
                    sent.addAndGet(n);
                }
                inputEnded.set(true); // before the shutdown, so the reader can tell who ended first
                socket.shutdownOutput(); // "no more requests": the server's read returns -1
            } catch (IOException e) {
                sendFailed.set(true);
                socket.shutdownInput(); // wakes the reader below, which reports this failure
                throw e;
            }
        });
        byte[] buffer = new byte[EchoServer.BUFFER_SIZE];
        long received = 0;
        while (true) {
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException quiet) {
                if (sender.isRunning() && received == sent.get()) {
                    continue; // nothing owed yet: the user has not typed anything
                }
                throw quiet;
            } catch (IOException e) {
                if (sendFailed.get()) {
                    sender.finish(); // the sender shut our input to wake us: report its own failure
                }
                throw e;
            }
            if (n == -1) {
                if (sendFailed.get()) {
                    sender.finish(); // the sender is ending: this rethrows its failure
                }
                if (!inputEnded.get()) {
                    // The server ended first. Do not wait for the sender: it may be blocked reading
                    // input that never comes, and no interrupt ends that read. It is a virtual
                    // thread, so it does not keep the program alive.
                    throw new EOFException("the server closed the connection after echoing " + received
                            + " bytes, while there was still input to send");
                }
                break;
            }
            sink.write(buffer, 0, n);
            sink.flush();
            received += n;
        }
        sender.finish();
        if (received != sent.get()) {
            throw new EOFException("server closed the connection after echoing "
                    + received + " of " + sent.get() + " bytes");
        }
        return received;
    }

    /** Something that sends and may fail with an IOException. */
    private interface Sending {
        void run() throws IOException;
    }

    /** Runs the sending side on its own virtual thread and hands its failure back to the reader. */
    private static final class Sender {
        private final Thread thread;
        private volatile IOException failure;

        private Sender(Sending sending) {
            this.thread = Thread.ofVirtual().name("echo-sender").unstarted(() -> {
                try {
                    sending.run();
                } catch (IOException e) {
                    failure = e;
                }
            });
        }

        static Sender start(Sending sending) {
            Sender sender = new Sender(sending);
            sender.thread.start();
            return sender;
        }

        boolean isRunning() {
            return thread.isAlive();
        }

        void finish() throws IOException {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while sending");
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    public static void main(String[] args) {
        Programs.exit(run(args, System.in, System.out, System.err));
    }

    static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        String host;
        int port;
        Duration timeout;
        List<String> words;
        try {
            CommandLine line = new CommandLine(args, Set.of("host", "port", "timeout"), Set.of(), true);
            if (line.help()) {
                out.println(USAGE);
                return 0;
            }
            host = line.string("host", "127.0.0.1");
            port = line.number("port", EchoServer.DEFAULT_PORT, 1, 65_535);
            timeout = line.seconds("timeout", DEFAULT_TIMEOUT);
            words = line.words();
        } catch (CommandLine.UsageException e) {
            return Programs.usageError("EchoClient", e, USAGE, err);
        }

        String target = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        try (Socket socket = connect(host, port, timeout)) {
            socket.setSoTimeout(Timeouts.millis(timeout));
            if (words.isEmpty()) {
                stream(socket, stdin, out);
            } else {
                byte[] request = (String.join(" ", words) + "\n").getBytes(StandardCharsets.UTF_8);
                out.write(roundTrip(socket.getInputStream(), socket.getOutputStream(), request));
            }
            out.flush();
            return 0;
        } catch (UnknownHostException e) {
            err.println("EchoClient: unknown host '" + host + "'");
        } catch (ConnectException e) {
            int tried = e.getSuppressed().length + 1;
            err.println("EchoClient: cannot connect to " + target + ": " + e.getMessage()
                    + (tried > 1 ? " (tried " + tried + " addresses)" : "") + "; is the server running?");
        } catch (NoRouteToHostException e) {
            err.println("EchoClient: no route to " + target + ": " + e.getMessage());
        } catch (SocketTimeoutException e) {
            err.println("EchoClient: " + target + " did not answer within " + timeout.toMillis() / 1000.0 + " s");
        } catch (IOException e) {
            err.println("EchoClient: " + target + ": " + e.getMessage());
        }
        return Programs.EXIT_FAILURE;
    }

}
