package sockets.failure;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Reader;
import java.io.SequenceInputStream;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import sockets.cli.CommandLine;
import sockets.cli.Programs;
import sockets.cli.Timeouts;

/**
 * One request per connection, ended the HTTP/1.0 way: the client sends its request and shuts down
 * its sending side; the server reads to end of stream, answers (the request in upper case), and
 * closes. Before closing, the server reads whatever the client is still sending, so its close is a
 * FIN, never a reset that could destroy the answer.
 *
 * <p>Against hostile peers: the whole request must arrive within the read timeout (one deadline,
 * not a timeout per read, so a client that trickles a byte now and then is cut off too) and the
 * whole answer must be taken within it, or the connection is closed; the final drain reads at most
 * 64 KiB for at most a second; at most {@code --max-connections} are served at once, and a
 * newcomer beyond is told so; a failing {@code accept} pauses 100 ms instead of spinning. Memory per
 * connection is bounded by {@code --max-request}: the request is held once, in 16 KiB pieces, and
 * the answer is streamed from it; CPU per request is linear in its size (see {@link #writeUpperCase}).
 *
 * <pre>printf 'hello' | nc -N 127.0.0.1 5007</pre>
 */
public final class HalfCloseServer implements Programs.Server {

    public static final int DEFAULT_PORT = 5007;
    public static final int DEFAULT_MAX_REQUEST = 1 << 20;
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);
    /** The most the final drain reads, and for how long, before it closes anyway. */
    static final int DRAIN_BYTES = 64 * 1024;
    static final Duration DRAIN_TIME = Duration.ofSeconds(1);

    private static final String USAGE = """
            usage: HalfCloseServer [--host HOST] [--port PORT] [--read-timeout SECONDS] [--max-request BYTES]
                                   [--max-connections N]
              --host HOST              address to listen on (default 127.0.0.1)
              --port PORT              port to listen on (default 5007; 0 picks a free port)
              --read-timeout SECONDS   longest a client may take to send its whole request, and then to
                                       read the whole answer (default 10)
              --max-request BYTES      largest request answered (default 1048576)
              --max-connections N      clients served at once; newcomers beyond are refused (default 10000)""";

    private final ServerSocket listener;
    private final Duration readTimeout;
    private final int maxRequest;
    private final int maxConnections;
    private final PrintStream log;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final Semaphore refusals = new Semaphore(64); // refusals in flight; beyond, just close
    /** Closes a connection whose answer is not taken in time. */
    private final ScheduledThreadPoolExecutor watchdog;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closed;

    private HalfCloseServer(ServerSocket listener, Duration readTimeout, int maxRequest, int maxConnections,
            PrintStream log) {
        this.listener = listener;
        this.readTimeout = readTimeout;
        this.maxRequest = maxRequest;
        this.maxConnections = maxConnections;
        this.log = log;
        this.watchdog = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name("answer-watchdog").daemon(true).factory());
        watchdog.setRemoveOnCancelPolicy(true);
    }

    public static HalfCloseServer bind(InetSocketAddress address, Duration readTimeout, int maxRequest, PrintStream log)
            throws IOException {
        return bind(address, readTimeout, maxRequest, DEFAULT_MAX_CONNECTIONS, log);
    }

    public static HalfCloseServer bind(InetSocketAddress address, Duration readTimeout, int maxRequest,
            int maxConnections, PrintStream log) throws IOException {
        Timeouts.require(readTimeout, "readTimeout");
        Programs.prepareForDescriptorShortage(HalfCloseServer.class); // before the process can run out of descriptors
        ServerSocket listener = new ServerSocket();
        try {
            listener.bind(address, 1024);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        return new HalfCloseServer(listener, readTimeout, maxRequest, maxConnections, log);
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    @Override
    public void serve() {
        try {
            while (!closed) {
                // tag::accept[]
                Socket client;
                try {
                    client = listener.accept();
                } catch (IOException e) {
                    if (!closed) {
                        // Out of file descriptors, typically: it passes as connections end.
                        log.println("accept failed: " + e.getMessage() + "; pausing 100 ms");
                        pauseAfterAcceptFailure();
                    }
                    continue;
                }
                if (connections.size() >= maxConnections) {
                    refuse(client);
                    continue;
                }
                // end::accept[]
                connections.add(client);
                if (closed) { // close() may have run between accept and add, and not seen this one
                    closeQuietly(client);
                    connections.remove(client);
                    break;
                }
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
            // tag::request[]
            // One deadline for the whole request: a timeout per read would let a client that
            // sends a byte every few seconds keep this connection for ever.
            InputStream in = new DeadlineInputStream(client, readTimeout);
            List<byte[]> request = readRequest(in, maxRequest); // returns at end of stream: the half-close
            long size = request.stream().mapToLong(chunk -> chunk.length).sum();
            if (size > maxRequest) {
                request = null; // not needed for the refusal
                writeWithin(client, out -> out.write(("error: request over " + maxRequest + " bytes\n").getBytes(StandardCharsets.UTF_8)));
                log.println(peer + ": request over " + maxRequest + " bytes refused");
            } else {
                List<byte[]> chunks = request;
                writeWithin(client, out -> writeUpperCase(chunks, out)); // streamed: the request is the one copy held
                log.println(peer + ": answered a request of " + size + " bytes");
            }
            // end::request[]
            client.shutdownOutput(); // "that is all": the client's read returns -1
            drain(client); // read what the client may still send, so close() sends FIN, not RST
        } catch (SocketTimeoutException e) {
            log.println(peer + ": no end of request within " + readTimeout.toMillis() + " ms (did the client shut down its output?)");
            answerQuietly(client, "error: no end of request within " + readTimeout.toMillis() + " ms; shut down your output\n");
        } catch (IOException e) {
            if (!closed) {
                log.println(peer + ": connection failed: " + e.getMessage());
            }
        } catch (RuntimeException | LinkageError e) {
            // Out of file descriptors, even loading a class fails: one line, and the others go on.
            log.println(peer + ": could not be served: " + e);
        } finally {
            closeQuietly(client); // only now: the error answer above still needed the socket
            connections.remove(client);
        }
    }

    // tag::drain[]
    /** Reads and discards until end of stream, for at most {@link #DRAIN_TIME} and {@link #DRAIN_BYTES}. */
    private static void drain(Socket client) throws IOException {
        InputStream in = new DeadlineInputStream(client, DRAIN_TIME);
        byte[] sink = new byte[8192];
        long total = 0;
        int n;
        try {
            while (total < DRAIN_BYTES && (n = in.read(sink)) != -1) {
                total += n; // discarded: the answer has been sent
            }
        } catch (SocketTimeoutException stillSending) {
            // the client keeps its side open; closing now is the best we can do
        }
    }
    // end::drain[]
    // end::handle[]

    /** The request is held in pieces of this size, so that holding it never needs a second copy. */
    static final int CHUNK = 16 * 1024;

    /**
     * Reads to end of stream, but no more than {@code max + 1} bytes (one more says "too long"),
     * into full {@link #CHUNK}-byte pieces (the last one shorter): the request is held once.
     */
    static List<byte[]> readRequest(InputStream in, int max) throws IOException {
        List<byte[]> chunks = new ArrayList<>();
        long total = 0;
        while (total <= max) {
            byte[] chunk = in.readNBytes((int) Math.min(CHUNK, max + 1L - total));
            if (chunk.length > 0) {
                chunks.add(chunk);
                total += chunk.length;
            }
            if (chunk.length < CHUNK && total <= max) {
                break; // end of stream
            }
        }
        return chunks;
    }

    // tag::upper[]
    /**
     * Writes the request, read as UTF-8 (a malformed byte becomes U+FFFD), upper-cased one code
     * point at a time with {@link Character#toUpperCase(int)}: the simple, one-to-one mapping, so
     * {@code ß} stays {@code ß} and U+0390 stays itself. {@code String.toUpperCase} maps them to two
     * or three characters, and in this JDK it slows down quadratically when many characters expand
     * (16,384 {@code ß} took 1.1 s, 65,536 took 13.6 s): a request of them would hold a core for
     * minutes. This is linear and holds about 40 KiB beyond the request, whatever its size.
     */
    static void writeUpperCase(List<byte[]> request, OutputStream out) throws IOException {
        Reader in = new InputStreamReader(new SequenceInputStream(Collections.enumeration(
                request.stream().map(ByteArrayInputStream::new).toList())), StandardCharsets.UTF_8);
        Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        char[] chars = new char[4096];
        char[] upper = new char[2 * chars.length];
        int kept = 0; // a high surrogate whose pair comes with the next read
        int n;
        while ((n = in.read(chars, kept, chars.length - kept)) != -1) {
            int end = kept + n;
            int i = 0;
            int u = 0;
            while (i < end && !(Character.isHighSurrogate(chars[i]) && i + 1 == end)) {
                int codePoint = Character.codePointAt(chars, i, end);
                u += Character.toChars(Character.toUpperCase(codePoint), upper, u);
                i += Character.charCount(codePoint);
            }
            writer.write(upper, 0, u);
            kept = end - i;
            if (kept > 0) {
                chars[0] = chars[i];
            }
        }
        writer.flush(); // nothing is kept at the end: the decoder never ends on half a surrogate pair
    }
    // end::upper[]

    /** Reads from a socket with one deadline for all of it, rather than a timeout for each read. */
    static final class DeadlineInputStream extends FilterInputStream {
        private final Socket socket;
        private final long deadline;

        DeadlineInputStream(Socket socket, Duration limit) throws IOException {
            super(socket.getInputStream());
            this.socket = socket;
            this.deadline = Timeouts.deadline(limit); // capped: a huge limit cannot overflow
        }

        // tag::deadline[]
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("deadline passed");
            }
            socket.setSoTimeout(Timeouts.millis(Duration.ofNanos(left))); // rounded up: never 0, "forever"
            return super.read(b, off, len);
        }
        // end::deadline[]

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == 1 ? one[0] & 0xFF : -1;
        }
    }

    // tag::bounded-write[]
    /** Writes an answer to a stream. */
    @FunctionalInterface
    interface Answer {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes an answer, or closes the socket if the client has not taken all of it in time. */
    private void writeWithin(Socket client, Answer answer) throws IOException {
        ScheduledFuture<?> guard;
        try {
            guard = watchdog.schedule(() -> {
                log.println(Programs.hostPort(client.getRemoteSocketAddress()) + ": read none of its answer for "
                        + readTimeout.toMillis() + " ms; disconnected");
                closeQuietly(client); // the one way to end a write the client never drains
            }, Timeouts.nanos(readTimeout), TimeUnit.NANOSECONDS); // never 0: that would close at once
        } catch (RejectedExecutionException stopping) {
            throw new IOException("the server is stopping");
        }
        try {
            answer.writeTo(client.getOutputStream());
        } finally {
            guard.cancel(false);
        }
    }
    // end::bounded-write[]

    private void refuse(Socket client) {
        log.println(Programs.hostPort(client.getRemoteSocketAddress()) + ": refused, already serving "
                + maxConnections + " connections");
        if (!refusals.tryAcquire()) {
            closeQuietly(client);
            return;
        }
        Thread.ofVirtual().start(() -> { // a graceful end takes up to a second: not on the accept thread
            try {
                answerQuietly(client, "error: server busy, try again later\n");
            } finally {
                closeQuietly(client);
                refusals.release();
            }
        });
    }

    private void pauseAfterAcceptFailure() {
        try {
            Thread.sleep(100); // a back-off, not a synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
        }
    }

    private static void answerQuietly(Socket client, String message) {
        try {
            client.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8)); // short: fits the buffer
            client.shutdownOutput();
            drain(client);
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
            closeQuietly(s);
        }
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
            CommandLine line = new CommandLine(args, Set.of("host", "port", "read-timeout", "max-request", "max-connections"),
                    Set.of(), false);
            if (line.help()) {
                out.println(USAGE);
                return 0;
            }
            Duration timeout = line.seconds("read-timeout", DEFAULT_READ_TIMEOUT);
            int max = line.number("max-request", DEFAULT_MAX_REQUEST, 1, 1 << 30);
            int cap = line.number("max-connections", DEFAULT_MAX_CONNECTIONS, 1, 1_000_000);
            return Programs.serve("HalfCloseServer", Programs.listenAddress(line, DEFAULT_PORT),
                    address -> bind(address, timeout, max, cap, out), out, err);
        } catch (CommandLine.UsageException e) {
            return Programs.usageError("HalfCloseServer", e, USAGE, err);
        }
    }
}
