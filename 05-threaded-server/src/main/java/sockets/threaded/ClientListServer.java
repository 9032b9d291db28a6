package sockets.threaded;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import sockets.cli.CommandLine;
import sockets.cli.Programs;
import tools.jackson.databind.json.JsonMapper;

/**
 * The seed's {@code client_list.py}, done right. Each client sends its name; the server records
 * {@code {name, address, port}} (a name sent again replaces its earlier entry), answers with the
 * whole list as a JSON object keyed by name, shuts down its output and closes.
 *
 * <p>Protocol: the name is UTF-8, at most 256 bytes, ended by a newline or by the client shutting
 * down its sending side. The answer ends when the server closes its side: read to end of stream.
 * A refusal (too many connections, a bad name, no name in time) is a JSON object with one key,
 * {@code error}.
 *
 * <p>Each connection gets a thread: a virtual one (default), a new platform thread (as the seed),
 * or one from a fixed pool. Every read has a timeout, the number of connections is capped, every
 * socket is closed on every path, and a stop lets the answers in flight finish.
 *
 * <pre>printf 'alice\n' | nc -N 127.0.0.1 5005</pre>
 */
public final class ClientListServer implements Programs.Server {

    public static final int DEFAULT_PORT = 5005;
    public static final int MAX_NAME_BYTES = 256;
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    /** How long a stop waits for answers in flight. */
    static final long GRACE_SECONDS = 10;

    private static final String USAGE = """
            usage: ClientListServer [--host HOST] [--port PORT] [--threads virtual|platform|pool:N]
                                    [--read-timeout SECONDS] [--max-connections N]
              --host HOST                 address to listen on (default 127.0.0.1)
              --port PORT                 port to listen on (default 5005; 0 picks a free port)
              --threads virtual           a virtual thread per connection (default)
              --threads platform          a new platform thread per connection, as the seed does
              --threads pool:N            a fixed pool of N platform threads
              --read-timeout SECONDS      longest wait for a client's name (default 10)
              --max-connections N         connections served at once; more are refused (default 10000)""";

    /** One client in the list. */
    public record Entry(String name, String address, int port) {
    }

    private final ServerSocket listener;
    private final ExecutorService handlers;
    private final Duration readTimeout;
    private final Semaphore slots;
    private final PrintStream log;
    private final Map<String, Entry> clients = new ConcurrentHashMap<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final JsonMapper json = JsonMapper.builder().build();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closed;

    private ClientListServer(ServerSocket listener, ExecutorService handlers, Duration readTimeout, int maxConnections,
            PrintStream log) {
        this.listener = listener;
        this.handlers = handlers;
        this.readTimeout = readTimeout;
        this.slots = new Semaphore(maxConnections);
        this.log = log;
    }

    /**
     * @param threads {@code virtual}, {@code platform} or {@code pool:N}
     * @param readTimeout {@link Duration#ZERO} for none (only to show what that costs)
     */
    public static ClientListServer bind(InetSocketAddress address, String threads, Duration readTimeout,
            int maxConnections, PrintStream log) throws IOException {
        ExecutorService handlers = executor(threads);
        ServerSocket listener = new ServerSocket();
        try {
            listener.bind(address, 4096);
        } catch (IOException e) {
            listener.close();
            handlers.close();
            throw e;
        }
        return new ClientListServer(listener, handlers, readTimeout, maxConnections, log);
    }

    static ExecutorService executor(String threads) {
        if (threads.equals("virtual")) {
            return Executors.newVirtualThreadPerTaskExecutor();
        }
        if (threads.equals("platform")) {
            return Executors.newThreadPerTaskExecutor(Thread.ofPlatform().name("client-", 0).factory());
        }
        if (threads.startsWith("pool:")) {
            try {
                int n = Integer.parseInt(threads.substring(5));
                if (n >= 1 && n <= 10_000) {
                    return Executors.newFixedThreadPool(n, Thread.ofPlatform().name("pool-", 0).factory());
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException("--threads must be virtual, platform or pool:N (N from 1 to 10000), not '" + threads + "'");
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** For tests and demos: puts an entry in the list as if a client had sent it. */
    void register(String name, String address, int port) {
        clients.put(name, new Entry(name, address, port));
    }

    /** Accepts connections until {@link #close()}, handing each to a handler thread. */
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
                if (!slots.tryAcquire()) {
                    refuse(client, "server busy: " + "too many connections, try again later");
                    continue;
                }
                open.add(client);
                try {
                    handlers.execute(() -> handle(client)); // start(), never run(): T-01
                } catch (java.util.concurrent.RejectedExecutionException stopping) {
                    release(client);
                }
            }
        } finally {
            stopped.countDown();
        }
    }

    // tag::handle[]
    private void handle(Socket client) {
        String peer = Programs.hostPort(client.getRemoteSocketAddress());
        try {
            client.setSoTimeout(Math.toIntExact(readTimeout.toMillis())); // 0: no timeout
            String name = readName(new BufferedInputStream(client.getInputStream()));
            InetSocketAddress from = (InetSocketAddress) client.getRemoteSocketAddress();
            clients.put(name, new Entry(name, from.getAddress().getHostAddress(), from.getPort()));
            // A sorted copy: serialising the live map while other handlers change it is BUG-41.
            byte[] answer = json.writeValueAsBytes(new TreeMap<>(clients));
            client.getOutputStream().write(answer);
            client.shutdownOutput(); // the end of the answer
            log.println(peer + ": " + name + " registered; sent the list of " + clients.size());
        } catch (SocketTimeoutException e) {
            answerError(client, "no name within " + readTimeout.toMillis() + " ms");
            log.println(peer + ": sent no name in time");
        } catch (BadNameException e) {
            answerError(client, e.getMessage());
            log.println(peer + ": " + e.getMessage());
        } catch (IOException e) {
            if (!closed) {
                log.println(peer + ": connection failed: " + e.getMessage());
            }
        } finally {
            release(client); // every path closes the socket and frees the slot (BUG-42)
        }
    }

    /** The name: bytes up to a newline or the end of the stream, at most 256, valid UTF-8. */
    static String readName(InputStream in) throws IOException {
        ByteArrayOutputStream name = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') { // however many reads the name takes (BUG-38)
            if (name.size() == MAX_NAME_BYTES) {
                throw new BadNameException("name longer than " + MAX_NAME_BYTES + " bytes");
            }
            name.write(b);
        }
        byte[] bytes = name.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        if (length == 0) {
            throw new BadNameException("empty name");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, length)).toString();
        } catch (CharacterCodingException e) {
            throw new BadNameException("name is not valid UTF-8");
        }
    }
    // end::handle[]

    static final class BadNameException extends IOException {
        BadNameException(String message) {
            super(message);
        }
    }

    private void answerError(Socket client, String message) {
        try {
            client.getOutputStream().write(json.writeValueAsBytes(Map.of("error", message)));
            client.shutdownOutput();
        } catch (IOException ignored) {
            // the client is gone
        }
    }

    private void refuse(Socket client, String message) {
        try (client) {
            answerError(client, message);
        } catch (IOException ignored) {
            // nothing more to do
        }
        log.println(Programs.hostPort(client.getRemoteSocketAddress()) + ": refused, " + message);
    }

    private void release(Socket client) {
        try {
            client.close();
        } catch (IOException ignored) {
            // already closed
        }
        if (open.remove(client)) {
            slots.release();
        }
    }

    // tag::graceful-stop[]
    /**
     * Stops accepting, lets the answers in flight finish (up to {@value #GRACE_SECONDS} s), then
     * closes whatever is left. Contrast {@link #closeNow()}.
     */
    @Override
    public void close() {
        closed = true;
        try {
            listener.close(); // accept() throws; no new connections
        } catch (IOException ignored) {
            // stopping anyway
        }
        handlers.shutdown();
        try {
            if (!handlers.awaitTermination(GRACE_SECONDS, TimeUnit.SECONDS)) {
                closeNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeNow();
        }
    }
    // end::graceful-stop[]

    /** Stops at once: every connection is closed, answers half written or not (the daemon-thread way). */
    public void closeNow() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // stopping anyway
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // stopping anyway
            }
        }
        handlers.shutdownNow();
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
            CommandLine line = new CommandLine(args, Set.of("host", "port", "threads", "read-timeout", "max-connections"),
                    Set.of(), false);
            if (line.help()) {
                out.println(USAGE);
                return 0;
            }
            String threads = line.option("threads", "virtual", t -> {
                executor(t).close(); // only to check the name
                return t;
            }, t -> true, "virtual, platform or pool:N");
            Duration timeout = line.seconds("read-timeout", DEFAULT_READ_TIMEOUT);
            int max = line.number("max-connections", DEFAULT_MAX_CONNECTIONS, 1, 1_000_000);
            return Programs.serve("ClientListServer", Programs.listenAddress(line, DEFAULT_PORT),
                    address -> bind(address, threads, timeout, max, out), out, err);
        } catch (CommandLine.UsageException e) {
            return Programs.usageError("ClientListServer", e, USAGE, err);
        }
    }
}
