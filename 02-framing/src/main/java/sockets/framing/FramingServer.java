package sockets.framing;

import java.io.BufferedInputStream;
import java.io.Closeable;
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
import java.util.concurrent.atomic.AtomicBoolean;
import sockets.cli.CommandLine;
import sockets.cli.Programs;

/**
 * An echo server for whole messages: it reads one frame, writes the same frame back, and repeats.
 * Each connection has a virtual thread of its own, so a client that is slow, silent or malicious
 * holds up nobody else.
 *
 * <p>A frame over {@code --max-frame}, a malformed one, or one cut off by the end of the stream
 * closes that connection with one log line, before anything larger than the limit is allocated.
 * Memory per connection is bounded by the limit; a client that sends nothing, or stops reading,
 * for the idle timeout is disconnected.
 *
 * <pre>java 02-framing/src/main/java/sockets/framing/FramingServer.java --framing line</pre>
 */
public final class FramingServer implements Programs.Server {

    public static final int DEFAULT_PORT = 5002;
    public static final int DEFAULT_MAX_FRAME = 1 << 20;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

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
            usage: FramingServer [--host HOST] [--port PORT] [--framing length|line] [--max-frame BYTES] [--idle-timeout SECONDS]
              --host HOST              address to listen on (default 127.0.0.1)
              --port PORT              port to listen on (default 5002; 0 picks a free port)
              --framing length|line    4-byte big-endian length prefix (default), or lines ended by \\n
              --max-frame BYTES        largest frame accepted (default 1048576)
              --idle-timeout SECONDS   drop a client that sends nothing, or reads nothing, for this long (default 60)""";

    private final ServerSocket listener;
    private final Framing framing;
    private final int maxFrame;
    private final Duration idleTimeout;
    private final PrintStream log;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final ScheduledThreadPoolExecutor watchdog;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closed;

    private FramingServer(ServerSocket listener, Framing framing, int maxFrame, Duration idleTimeout, PrintStream log) {
        this.listener = listener;
        this.framing = framing;
        this.maxFrame = Frames.checkLimit(maxFrame);
        this.idleTimeout = idleTimeout;
        this.log = log;
        this.watchdog = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("framing-write-watchdog").daemon(true).factory());
        watchdog.setRemoveOnCancelPolicy(true);
    }

    public static FramingServer bind(InetSocketAddress address, Framing framing, int maxFrame,
            Duration idleTimeout, PrintStream log) throws IOException {
        ServerSocket listener = new ServerSocket();
        try {
            listener.bind(address);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        return new FramingServer(listener, framing, maxFrame, idleTimeout, log);
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** Accepts connections until {@link #close()}, each served on its own virtual thread. */
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
                if (closed) {
                    closeQuietly(client);
                    break;
                }
                Thread.ofVirtual().name("framing-" + Programs.hostPort(client.getRemoteSocketAddress())).start(() -> handle(client));
            }
        } finally {
            watchdog.shutdownNow();
            stopped.countDown();
        }
    }

    private void handle(Socket client) {
        String peer = Programs.hostPort(client.getRemoteSocketAddress());
        AtomicBoolean stalled = new AtomicBoolean();
        try {
            client.setSoTimeout(Math.toIntExact(idleTimeout.toMillis()));
            long frames = echoFrames(client, peer, stalled);
            log.println(peer + " finished after " + frames + (frames == 1 ? " frame" : " frames"));
        } catch (FramingException e) {
            log.println(peer + " broke the framing, connection closed: " + e.getMessage());
        } catch (SocketTimeoutException e) {
            log.println(peer + " sent nothing for " + idleTimeout.toMillis() + " ms; disconnected");
        } catch (IOException e) {
            if (!stalled.get() && !closed) { // a stall was logged by the watchdog
                log.println(peer + " connection failed: " + e.getMessage());
            }
        } finally {
            // Closed after the log line is written, so whoever sees the close can read why.
            closeQuietly(client);
            connections.remove(client);
        }
    }

    // tag::echo-frames[]
    private long echoFrames(Socket client, String peer, AtomicBoolean stalled) throws IOException {
        // One buffered stream for the whole connection: bytes read ahead belong to the next frame.
        FrameReader reader = framing.reader(new BufferedInputStream(client.getInputStream()), maxFrame);
        FrameWriter writer = framing.writer(client.getOutputStream(), maxFrame);
        long frames = 0;
        byte[] frame;
        while ((frame = reader.readFrame()) != null) {
            ScheduledFuture<?> guard = watchdog.schedule(() -> {
                stalled.set(true);
                log.println(peer + " read none of its replies for " + idleTimeout.toMillis() + " ms; disconnected");
                closeQuietly(client); // the only way to end a write the peer never drains
            }, idleTimeout.toMillis(), TimeUnit.MILLISECONDS);
            try {
                writer.writeFrame(frame);
            } finally {
                guard.cancel(false);
            }
            frames++;
        }
        return frames;
    }
    // end::echo-frames[]

    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        for (Socket s : connections) {
            closeQuietly(s);
        }
    }

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
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            CommandLine line = new CommandLine(args, Set.of("host", "port", "framing", "max-frame", "idle-timeout"),
                    Set.of(), false);
            if (line.help()) {
                out.println(USAGE);
                return 0;
            }
            Framing framing = parseFraming(line);
            int maxFrame = line.number("max-frame", DEFAULT_MAX_FRAME, 1, Frames.LARGEST_LIMIT - 1);
            Duration idle = line.seconds("idle-timeout", DEFAULT_IDLE_TIMEOUT);
            return Programs.serve("FramingServer", Programs.listenAddress(line, DEFAULT_PORT),
                    address -> bind(address, framing, maxFrame, idle, out), out, err);
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
