package sockets.framing;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import sockets.cli.CommandLine;
import sockets.cli.Programs;
import sockets.cli.Timeouts;

/**
 * An echo server for whole messages: it reads one frame, writes the same frame back, and repeats.
 * Each connection has a virtual thread of its own, so a client that is slow, silent or malicious
 * holds up nobody else.
 *
 * <p>What it guarantees against hostile peers (each is a test in {@code FramingServerTest}):
 * <ul>
 *   <li>a frame over {@code --max-frame}, a malformed one, or one cut off by the end of the stream
 *       closes that connection with one log line, before anything larger than the limit is
 *       allocated; memory per connection is the limit plus an 8 KiB read buffer;</li>
 *   <li>a client that sends nothing for the idle timeout is disconnected; once a frame's first
 *       byte is in, the rest of the frame, and then the whole of its reply, must each get through
 *       within the frame timeout: a client that trickles a byte now and then (slow-loris), or never
 *       reads its replies, is disconnected, however regularly it makes a little progress;</li>
 *   <li>at most {@code --max-connections} clients are served; a newcomer beyond that is closed at
 *       once, with a log line;</li>
 *   <li>when {@code accept} fails (out of file descriptors) the server pauses 100 ms and tries
 *       again, instead of spinning; it does not stop;</li>
 *   <li>SIGINT or SIGTERM close the listener and every connection, and the process exits 0.</li>
 * </ul>
 *
 * <pre>02-framing/run FramingServer --framing line</pre>
 */
public final class FramingServer implements Programs.Server {

    public static final int DEFAULT_PORT = 5002;
    public static final int DEFAULT_MAX_FRAME = 1 << 20;
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_FRAME_TIMEOUT = Duration.ofSeconds(30);

    /** The two wire formats the server speaks. */
    public enum Framing {
        /** 4-byte big-endian length, then the bytes. */
        LENGTH,
        /** Lines ended by {@code \n}; works with {@code nc}. */
        LINE;

        FrameReader reader(InputStream in, int maxFrame) {
            return this == LENGTH ? new LengthPrefixedReader(in, maxFrame) : DelimitedReader.lines(in, maxFrame);
        }

        FrameWriter writer(OutputStream out, int maxFrame) {
            return this == LENGTH ? new LengthPrefixedWriter(out, maxFrame) : DelimitedWriter.lines(out, maxFrame);
        }
    }

    private static final String USAGE = """
            usage: FramingServer [--host HOST] [--port PORT] [--framing length|line] [--max-frame BYTES]
                                 [--max-connections N] [--idle-timeout SECONDS] [--frame-timeout SECONDS]
              --host HOST               address to listen on (default 127.0.0.1)
              --port PORT               port to listen on (default 5002; 0 picks a free port)
              --framing length|line     4-byte big-endian length prefix (default), or lines ended by \\n
              --max-frame BYTES         largest frame accepted (default 1048576)
              --max-connections N       clients served at once; a newcomer beyond is closed (default 10000)
              --idle-timeout SECONDS    drop a client that sends nothing for this long (default 60)
              --frame-timeout SECONDS   longest a client may take to send the rest of a frame once it has
                                        started, or to read its reply; slower ones are dropped (default 30)""";

    private final ServerSocket listener;
    private final Framing framing;
    private final int maxFrame;
    private final int maxConnections;
    private final Duration idleTimeout;
    private final Duration frameTimeout;
    private final PrintStream log;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    /** Closes a connection whose frame or reply is not through by its deadline. */
    private final ScheduledThreadPoolExecutor watchdog;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closed;

    private FramingServer(ServerSocket listener, Framing framing, int maxFrame, int maxConnections,
            Duration idleTimeout, Duration frameTimeout, PrintStream log) {
        this.idleTimeout = idleTimeout;
        this.listener = listener;
        this.framing = framing;
        this.maxFrame = Frames.checkLimit(maxFrame);
        this.maxConnections = maxConnections;
        this.frameTimeout = frameTimeout;
        this.log = log;
        this.watchdog = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("framing-watchdog").daemon(true).factory());
        watchdog.setRemoveOnCancelPolicy(true); // a guard per frame, nearly all cancelled: do not keep them
    }

    /** A server with the default cap and idle timeout, and {@code frameTimeout} for frames and replies. */
    public static FramingServer bind(InetSocketAddress address, Framing framing, int maxFrame,
            Duration frameTimeout, PrintStream log) throws IOException {
        return bind(address, framing, maxFrame, DEFAULT_MAX_CONNECTIONS, DEFAULT_IDLE_TIMEOUT, frameTimeout, log);
    }

    public static FramingServer bind(InetSocketAddress address, Framing framing, int maxFrame, int maxConnections,
            Duration idleTimeout, Duration frameTimeout, PrintStream log) throws IOException {
        Timeouts.require(idleTimeout, "idle timeout"); // before binding: a socket reads 0 as "forever"
        Timeouts.require(frameTimeout, "frame timeout");
        Programs.prepareForDescriptorShortage(FramingServer.class); // before the process can run out of descriptors
        ServerSocket listener = new ServerSocket();
        try {
            listener.bind(address, 1024);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        return new FramingServer(listener, framing, maxFrame, maxConnections, idleTimeout, frameTimeout, log);
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** Accepts connections until {@link #close()}, each served on its own virtual thread. */
    @Override
    public void serve() {
        try {
            while (!closed) {
                Socket client;
                try {
                    client = listener.accept();
                } catch (IOException e) {
                    if (!closed) {
                        // "Too many open files", typically: the listener is fine, and the failure
                        // passes when connections end. Pause, so that it neither spins nor floods the log.
                        log.println("accept failed: " + e.getMessage() + "; pausing 100 ms");
                        pauseAfterAcceptFailure();
                    }
                    continue;
                }
                if (connections.size() >= maxConnections) {
                    log.println("refused " + Programs.hostPort(client.getRemoteSocketAddress()) + ": already serving "
                            + maxConnections + " connections");
                    closeQuietly(client); // before reading anything, so the client sees an orderly FIN
                    continue;
                }
                connections.add(client);
                if (closed) { // close() may have run between accept and add: it did not see this one
                    closeQuietly(client);
                    break;
                }
                Thread.ofVirtual().name("framing-" + Programs.hostPort(client.getRemoteSocketAddress()))
                        .start(() -> handle(client));
            }
        } finally {
            stopped.countDown();
        }
    }

    private void handle(Socket client) {
        String peer = Programs.hostPort(client.getRemoteSocketAddress());
        AtomicBoolean cutOff = new AtomicBoolean(); // set by the watchdog, which logs why
        try {
            client.setSoTimeout(Timeouts.millis(idleTimeout)); // the longest silence; never 0, which is forever
            long frames = echoFrames(client, peer, cutOff);
            log.println(peer + " finished after " + frames + (frames == 1 ? " frame" : " frames"));
        } catch (FramingException e) {
            log.println(peer + " broke the framing, connection closed: " + e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            // Out of file descriptors, even loading a class fails: one line, and the others go on.
            log.println(peer + " could not be served: " + e);
        } catch (SocketTimeoutException e) {
            log.println(peer + " sent nothing for " + idleTimeout.toMillis() + " ms; disconnected");
        } catch (IOException e) {
            if (!cutOff.get() && !closed) {
                log.println(peer + " connection failed: " + e.getMessage());
            }
        } finally {
            // Closed after the log line is written, so whoever sees the close can read why.
            closeQuietly(client);
            connections.remove(client);
        }
    }

    // tag::echo-frames[]
    private long echoFrames(Socket client, String peer, AtomicBoolean cutOff) throws IOException {
        // SO_TIMEOUT bounds each read, not a frame: a client sending a byte a second never trips
        // it. So the first bytes of each frame start a deadline for the whole of it.
        FrameClock clock = new FrameClock(client.getInputStream(),
                () -> deadline(client, peer, cutOff, "send the rest of its frame"));
        // One buffered stream for the whole connection: bytes read ahead belong to the next frame.
        FrameReader reader = framing.reader(clock.buffered, maxFrame);
        FrameWriter writer = framing.writer(client.getOutputStream(), maxFrame);
        long frames = 0;
        try {
            byte[] frame;
            while ((frame = reader.readFrame()) != null) {
                clock.frameDone();
                // Bytes of the next frame may already be here, read ahead by the buffered stream or
                // the reader: no socket read will announce them, so its deadline starts now.
                if (clock.buffered.available() > 0 || reader.buffered() > 0) {
                    clock.start();
                }
                try (Deadline d = deadline(client, peer, cutOff, "read its reply")) {
                    writer.writeFrame(frame); // blocks while the client does not read; the deadline ends it
                }
                frames++;
            }
            return frames;
        } finally {
            clock.frameDone();
        }
    }
    // end::echo-frames[]

    /**
     * Arms a deadline when the first bytes after a frame arrive, and disarms it when the frame is
     * done. Sits under the connection's one buffered stream, {@link #buffered}, so it sees every
     * socket read.
     */
    private static final class FrameClock extends FilterInputStream {
        private final Supplier<Deadline> arm;
        private Deadline running;
        final BufferedInputStream buffered;

        FrameClock(InputStream in, Supplier<Deadline> arm) {
            super(in);
            this.arm = arm;
            this.buffered = new ReadAhead(this);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                start();
            }
            return n;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == 1 ? one[0] & 0xFF : -1;
        }

        /** Starts the frame deadline unless it is already running. */
        void start() {
            if (running == null) {
                running = arm.get();
            }
        }

        void frameDone() {
            if (running != null) {
                running.close();
                running = null;
            }
        }
    }

    /** A buffered stream whose {@code available()} counts only the bytes it holds: it never asks the socket. */
    private static final class ReadAhead extends BufferedInputStream {
        ReadAhead(InputStream in) {
            super(in);
        }

        @Override
        public int available() {
            return count - pos;
        }
    }

    /** Closes {@code client} unless closed first: the one way to end a blocked read or write. */
    private Deadline deadline(Socket client, String peer, AtomicBoolean cutOff, String what) {
        try {
            ScheduledFuture<?> guard = watchdog.schedule(() -> {
                cutOff.set(true);
                // Logged before the close, so whoever sees the close can already read why.
                log.println(peer + " did not " + what + " within " + frameTimeout.toMillis() + " ms; disconnected");
                closeQuietly(client);
            }, Timeouts.nanos(frameTimeout), TimeUnit.NANOSECONDS);
            return () -> guard.cancel(false);
        } catch (RejectedExecutionException stopping) {
            closeQuietly(client); // the server is stopping; the read or write fails at once
            return () -> { };
        }
    }

    private interface Deadline extends AutoCloseable {
        @Override
        void close();
    }

    private void pauseAfterAcceptFailure() {
        try {
            Thread.sleep(100); // a back-off, not a synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        for (Socket s : connections) {
            closeQuietly(s);
        }
        watchdog.shutdownNow();
    }

    @Override
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // best effort: the socket is being abandoned either way
        }
    }

    public static void main(String[] args) {
        Programs.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            CommandLine line = new CommandLine(args,
                    Set.of("host", "port", "framing", "max-frame", "max-connections", "idle-timeout", "frame-timeout"),
                    Set.of(), false);
            if (line.help()) {
                out.println(USAGE);
                return 0;
            }
            Framing framing = parseFraming(line);
            int maxFrame = line.number("max-frame", DEFAULT_MAX_FRAME, 1, Frames.LARGEST_LIMIT - 1);
            int cap = line.number("max-connections", DEFAULT_MAX_CONNECTIONS, 1, 1_000_000);
            Duration idle = line.seconds("idle-timeout", DEFAULT_IDLE_TIMEOUT);
            Duration timeout = line.seconds("frame-timeout", DEFAULT_FRAME_TIMEOUT);
            return Programs.serve("FramingServer", Programs.listenAddress(line, DEFAULT_PORT),
                    address -> bind(address, framing, maxFrame, cap, idle, timeout, out), out, err);
        } catch (CommandLine.UsageException e) {
            return Programs.usageError("FramingServer", e, USAGE, err);
        }
    }

    /** {@code --framing length} or {@code --framing line}; length when absent. */
    static Framing parseFraming(CommandLine line) throws CommandLine.UsageException {
        return line.option("framing", Framing.LENGTH, name -> Framing.valueOf(name.toUpperCase(Locale.ROOT)),
                framing -> true, "'length' or 'line'");
    }
}
