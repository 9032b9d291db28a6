package sockets.threaded;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import sockets.cli.CommandLine;
import sockets.cli.Programs;
import sockets.cli.Timeouts;
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
 * or one from a fixed pool. Against hostile peers:
 * <ul>
 *   <li>the whole name must arrive within the read timeout: a deadline for the request, not a
 *       timeout per read, so a client that trickles a byte now and then is cut off too;</li>
 *   <li>the answer must be read within the read timeout as well, or the connection is closed: a
 *       client that never reads cannot hold a thread;</li>
 *   <li>at most {@code --max-connections} are served at once; a newcomer beyond is refused with a
 *       JSON error, and so is a bad name; a refusal reads what the client sent before closing, so
 *       the client gets an orderly end (FIN) after the error, not a reset that could destroy it;</li>
 *   <li>the list holds at most {@code --max-entries} names (the oldest is forgotten), so memory and
 *       the size of an answer are bounded;</li>
 *   <li>a failing {@code accept} (out of file descriptors) pauses 100 ms instead of spinning;</li>
 *   <li>every socket is closed on every path, and a stop lets the answers in flight finish.</li>
 * </ul>
 *
 * <pre>printf 'alice\n' | nc -N 127.0.0.1 5005</pre>
 */
public final class ClientListServer implements Programs.Server {

    public static final int DEFAULT_PORT = 5005;
    public static final int MAX_NAME_BYTES = 256;
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    public static final int DEFAULT_MAX_ENTRIES = 1_000;
    /** Refusals being sent at once; beyond this a refused client is just closed. */
    static final int MAX_REFUSALS_IN_FLIGHT = 64;
    /** How long a stop waits for answers in flight. */
    static final long GRACE_SECONDS = 10;

    private static final String USAGE = """
            usage: ClientListServer [--host HOST] [--port PORT] [--threads virtual|platform|pool:N]
                                    [--read-timeout SECONDS] [--max-connections N] [--max-entries N]
              --host HOST                 address to listen on (default 127.0.0.1)
              --port PORT                 port to listen on (default 5005; 0 picks a free port)
              --threads virtual           a virtual thread per connection (default)
              --threads platform          a new platform thread per connection, as the seed does
              --threads pool:N            a fixed pool of N platform threads
              --read-timeout SECONDS      longest a client may take to send its whole name, and then to
                                          read the whole answer (default 10)
              --max-connections N         connections served at once; more are refused (default 10000)
              --max-entries N             names kept in the list; the oldest goes first (default 1000)""";

    /** One client in the list. */
    public record Entry(String name, String address, int port) {
    }

    private final ServerSocket listener;
    private final ExecutorService handlers;
    private final Duration readTimeout;
    private final Semaphore slots;
    private final Semaphore refusals = new Semaphore(MAX_REFUSALS_IN_FLIGHT);
    private final int maxEntries;
    private final PrintStream log;
    /** The list, oldest first; guarded by itself. */
    private final LinkedHashMap<String, Entry> clients = new LinkedHashMap<>();
    /** Closes a connection whose answer is not read in time. */
    private final ScheduledThreadPoolExecutor watchdog;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final JsonMapper json = JsonMapper.builder().build();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closed;

    private ClientListServer(ServerSocket listener, ExecutorService handlers, Duration readTimeout, int maxConnections,
            int maxEntries, PrintStream log) {
        this.listener = listener;
        this.handlers = handlers;
        this.readTimeout = readTimeout;
        this.slots = new Semaphore(maxConnections);
        this.maxEntries = maxEntries;
        this.log = log;
        this.watchdog = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name("answer-watchdog").daemon(true).factory());
        watchdog.setRemoveOnCancelPolicy(true);
    }

    /**
     * @param threads {@code virtual}, {@code platform} or {@code pool:N}
     * @param readTimeout {@link Duration#ZERO} for none (only to show what that costs)
     */
    public static ClientListServer bind(InetSocketAddress address, String threads, Duration readTimeout,
            int maxConnections, PrintStream log) throws IOException {
        return bind(address, threads, readTimeout, maxConnections, DEFAULT_MAX_ENTRIES, log);
    }

    public static ClientListServer bind(InetSocketAddress address, String threads, Duration readTimeout,
            int maxConnections, int maxEntries, PrintStream log) throws IOException {
        if (!readTimeout.isZero()) { // ZERO is the pitfall shown on purpose; negative is a mistake
            Timeouts.require(readTimeout, "readTimeout");
        }
        Programs.prepareForDescriptorShortage(ClientListServer.class); // before the process can run out of descriptors
        ExecutorService handlers = executor(threads);
        ServerSocket listener = new ServerSocket();
        try {
            listener.bind(address, 4096);
        } catch (IOException e) {
            listener.close();
            handlers.close();
            throw e;
        }
        return new ClientListServer(listener, handlers, readTimeout, maxConnections, maxEntries, log);
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
        synchronized (clients) {
            remember(new Entry(name, address, port));
        }
    }

    /** Adds an entry, or replaces one of the same name; forgets the oldest beyond the limit. */
    private void remember(Entry entry) {
        clients.remove(entry.name()); // so that a name sent again counts as the newest
        clients.put(entry.name(), entry);
        while (clients.size() > maxEntries) {
            clients.pollFirstEntry();
        }
    }

    /** Records {@code entry} and returns a sorted copy of the list it is now part of. */
    private TreeMap<String, Entry> record(Entry entry) {
        synchronized (clients) {
            remember(entry);
            // A copy: serialising the live map while other handlers change it is BUG-41.
            return new TreeMap<>(clients);
        }
    }

    /** Accepts connections until {@link #close()}, handing each to a handler thread. */
    public void serve() {
        try {
            while (!closed) {
                Socket client;
                try {
                    client = listener.accept();
                } catch (IOException e) {
                    if (!closed) {
                        // "Too many open files", typically; it passes as connections end. Pause,
                        // so that it neither spins a core nor floods the log.
                        log.println("accept failed: " + e.getMessage() + "; pausing 100 ms");
                        pauseAfterAcceptFailure();
                    }
                    continue;
                }
                if (!slots.tryAcquire()) {
                    refuse(client, "server busy: too many connections, try again later");
                    continue;
                }
                open.add(client);
                try {
                    handlers.execute(() -> handle(client)); // start(), never run(): T-01
                } catch (RejectedExecutionException stopping) {
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
            // One deadline for the whole name: a timeout per read would let a client that sends a
            // byte every few seconds keep this thread for ever (slow-loris). ZERO: no limit at all.
            InputStream in = readTimeout.isZero() ? client.getInputStream()
                    : new DeadlineInputStream(client, Timeouts.deadline(readTimeout));
            String name = readName(new BufferedInputStream(in));
            InetSocketAddress from = (InetSocketAddress) client.getRemoteSocketAddress();
            TreeMap<String, Entry> list = record(new Entry(name, from.getAddress().getHostAddress(), from.getPort()));
            // Streamed, not built first: the whole answer (up to ~3 MB for 1,000 names of escaped
            // bytes) would be held for as long as a client that does not read is allowed.
            writeWithin(client, out -> json.writeValue(out, list)); // a client that never reads is closed at the deadline
            log.println(peer + ": " + printable(name) + " registered; sent the list of " + list.size());
            // The end of the answer. Not a bare close: a client that sent anything after its name
            // would get a reset, and a reset throws away the part of the answer still in flight.
            endGracefully(client);
        } catch (SocketTimeoutException e) {
            log.println(peer + ": sent no whole name within " + readTimeout.toMillis() + " ms");
            answerError(client, "no whole name within " + readTimeout.toMillis() + " ms");
        } catch (BadNameException e) {
            log.println(peer + ": " + e.getMessage());
            answerError(client, e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            // Out of file descriptors, even loading a class fails: one line, and the others go on.
            log.println(peer + ": could not be served: " + e);
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
            // A CR right before the newline is not part of the name: a 256-byte name may have it as byte 257.
            if (name.size() > MAX_NAME_BYTES || (name.size() == MAX_NAME_BYTES && b != '\r')) {
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

    /** Reads from a socket with one deadline for all of it, rather than a timeout for each read. */
    static final class DeadlineInputStream extends FilterInputStream {
        private final Socket socket;
        private final long deadline;

        DeadlineInputStream(Socket socket, long deadlineNanos) throws IOException {
            super(socket.getInputStream());
            this.socket = socket;
            this.deadline = deadlineNanos;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("deadline passed");
            }
            socket.setSoTimeout(Timeouts.millis(Duration.ofNanos(left))); // rounded up: never 0, "forever"
            return super.read(b, off, len);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == 1 ? one[0] & 0xFF : -1;
        }
    }

    /** Writes an answer to a stream. */
    @FunctionalInterface
    interface Answer {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * A name as text for a log line: control characters (CR, LF, ...) and line separators escaped,
     * so a client cannot forge log lines with its name.
     */
    static String printable(String name) {
        StringBuilder out = new StringBuilder(name.length());
        name.codePoints().forEach(c -> {
            int type = Character.getType(c);
            if (type == Character.CONTROL || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    /** Writes all of {@code bytes}, or closes the socket if the client has not taken them in time. */
    private void writeWithin(Socket client, byte[] bytes) throws IOException {
        writeWithin(client, out -> out.write(bytes));
    }

    /**
     * Writes an answer through an 8 KiB buffer, or closes the socket if the client has not taken it
     * in time; the answer's writer may close the stream it is given (Jackson does): that only flushes.
     */
    private void writeWithin(Socket client, Answer answer) throws IOException {
        ScheduledFuture<?> guard;
        try {
            guard = watchdog.schedule(() -> {
                log.println(Programs.hostPort(client.getRemoteSocketAddress()) + ": read none of its answer for "
                        + readTimeout.toMillis() + " ms; disconnected");
                closeQuietly(client); // the one way to end a write the client never drains
            }, readTimeout.isZero() ? Timeouts.LONGEST_NANOS : Timeouts.nanos(readTimeout), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopping) {
            throw new IOException("the server is stopping");
        }
        try {
            OutputStream buffered = new BufferedOutputStream(client.getOutputStream(), 8192) {
                @Override
                public void close() throws IOException {
                    flush(); // the socket stays open: the graceful end comes after
                }
            };
            answer.writeTo(buffered);
            buffered.flush();
        } finally {
            guard.cancel(false);
        }
    }

    private void answerError(Socket client, String message) {
        try {
            writeWithin(client, json.writeValueAsBytes(Map.of("error", message)));
            endGracefully(client);
        } catch (IOException ignored) {
            // the client is gone
        }
    }

    /**
     * Half-closes, then reads (and drops) what the client still sends, for a second and 64 KiB at
     * most, before the socket is closed. Closing with unread input makes the kernel send a reset
     * (RST) instead of an orderly end (FIN), and a reset can destroy the answer before the client
     * has read it.
     */
    static void endGracefully(Socket client) {
        try {
            client.shutdownOutput();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            InputStream in = new DeadlineInputStream(client, deadline);
            byte[] sink = new byte[4096];
            long total = 0;
            int n;
            while (total < 65_536 && (n = in.read(sink)) != -1) {
                total += n;
            }
        } catch (IOException ignored) {
            // timed out or gone: closing now is all that is left
        }
    }

    private void refuse(Socket client, String message) {
        log.println(Programs.hostPort(client.getRemoteSocketAddress()) + ": refused, " + message);
        if (!refusals.tryAcquire()) {
            closeQuietly(client); // refusals are themselves bounded: beyond that, just close
            return;
        }
        Thread.ofVirtual().start(() -> { // ending gracefully takes up to a second: not on the accept thread
            try {
                answerError(client, message);
            } finally {
                closeQuietly(client);
                refusals.release();
            }
        });
    }

    private static void closeQuietly(Socket client) {
        try {
            client.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private void pauseAfterAcceptFailure() {
        try {
            Thread.sleep(100); // a back-off, not a synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
        }
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

    /** For tests: connections that may still be taken now. A client sees its answer end a moment before its slot is free. */
    int freeSlots() {
        return slots.availablePermits();
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
        watchdog.shutdownNow();
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
        watchdog.shutdownNow();
    }

    @Override
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static void main(String[] args) {
        Programs.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            CommandLine line = new CommandLine(args,
                    Set.of("host", "port", "threads", "read-timeout", "max-connections", "max-entries"), Set.of(), false);
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
            int entries = line.number("max-entries", DEFAULT_MAX_ENTRIES, 1, 1_000_000);
            return Programs.serve("ClientListServer", Programs.listenAddress(line, DEFAULT_PORT),
                    address -> bind(address, threads, timeout, max, entries, out), out, err);
        } catch (CommandLine.UsageException e) {
            return Programs.usageError("ClientListServer", e, USAGE, err);
        }
    }
}
