package sockets.select;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sockets.cli.CommandLine;
import sockets.cli.Programs;
import sockets.cli.Timeouts;

/**
 * An echo server in one thread: one {@link Selector} watches the listener and every connection,
 * and the thread only ever does work that cannot block. This file is the loop; what happens to one
 * connection is in {@link EchoConnection}, its queue of unsent echo in {@link OutputQueue}.
 *
 * <p>Against hostile peers: a failing {@code accept} (out of descriptors) pauses accepting for a
 * second instead of spinning; past {@code --max-connections} a newcomer is closed at once; memory
 * per connection is bounded by the high-water mark plus one read; a connection with no progress
 * either way for the idle timeout is closed. An echo has no requests, so it needs no per-request
 * deadline. A failure of the selector itself ends {@link #serve()} with an exception (exit 1).
 */
public final class SelectEchoServer implements Programs.Server {

    public static final int DEFAULT_PORT = 5003;
    /**
     * One pass over a readable connection reads until the kernel has nothing more or this is full,
     * then writes once: a bulk stream costs one wake-up and one write per pass. Filling 1 MiB
     * this way is what brought this loop level with Netty's in bulk echo (measured: 03's README).
     */
    public static final int READ_BUFFER = 1024 * 1024;
    public static final int DEFAULT_HIGH_WATER = 256 * 1024;
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    private static final String USAGE = """
            usage: SelectEchoServer [--host H] [--port P] [--high-water B] [--max-connections N] [--idle-timeout S]
              --host HOST, --port PORT address and port to listen on (default 127.0.0.1, 5003; port 0: any free one)
              --high-water BYTES       stop reading from a client owed this much echo (default 262144) until it reads
              --max-connections N      close newcomers at once beyond this many clients (default 10000)
              --idle-timeout SECONDS   close a connection with no progress either way for this long (default 60)""";

    private final ServerSocketChannel listener = ServerSocketChannel.open();
    private final Selector selector = Selector.open();
    private final SelectionKey listenerKey;
    final int highWater;
    final int lowWater;
    private final int maxConnections;
    private final long idleNanos;
    private final PrintStream log;
    /** One read buffer for every connection: the selector thread reads one connection at a time. */
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER);
    private final CountDownLatch stopped = new CountDownLatch(1);
    final Counters counters = new Counters();
    private volatile boolean closed;
    private volatile int sendBuffer; // 0: the kernel's default; tests shrink it to force partial writes
    private long acceptPausedUntil;
    private long refusedSinceLog;

    private SelectEchoServer(InetSocketAddress address, int highWater, int maxConnections, Duration idle,
            PrintStream log) throws IOException {
        this.highWater = highWater;
        this.lowWater = highWater / 4;
        this.maxConnections = maxConnections;
        this.idleNanos = Timeouts.nanos(idle); // checked in bind; a huge one cannot overflow
        this.log = log;
        try {
            listener.bind(address, 4096); // Linux caps this at net.core.somaxconn
            listener.configureBlocking(false);
            listenerKey = listener.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            closeEverything();
            throw e;
        }
    }

    public static SelectEchoServer bind(InetSocketAddress address, int highWater, int maxConnections,
            Duration idleTimeout, PrintStream log) throws IOException {
        // Checked before the constructor opens the listener and selector, so a refusal leaks neither.
        if (highWater < 1 || maxConnections < 1) {
            throw new IllegalArgumentException("high-water mark and connection cap must be positive");
        }
        Timeouts.require(idleTimeout, "idle timeout");
        Programs.prepareForDescriptorShortage(SelectEchoServer.class); // OutputQueue may first load then
        return new SelectEchoServer(address, highWater, maxConnections, idleTimeout, log);
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.socket().getLocalSocketAddress();
    }

    // tag::event-loop[]
    @Override
    public void serve() throws IOException {
        long nextSweep = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        try {
            while (!closed) {
                selector.select(1_000); // sleeps until something is ready; wakes each second to sweep
                counters.wokeUp();
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove(); // the selector never clears this set itself (S-06)
                    if (!key.isValid()) {
                        continue; // closed earlier in this pass (S-11)
                    }
                    if (key.isAcceptable()) {
                        acceptAll();
                    } else {
                        serviceConnection(key);
                    }
                }
                if (System.nanoTime() - nextSweep >= 0) {
                    sweep();
                    nextSweep = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                }
            }
        } catch (ClosedSelectorException e) {
            throw new IOException("the selector was closed under the server", e);
        } finally {
            closeEverything();
            stopped.countDown();
        }
    }

    void serviceConnection(SelectionKey key) { // package-private: tests drive one pass of it
        EchoConnection c = (EchoConnection) key.attachment();
        try {
            if (key.isReadable()) {
                c.onReadable(readBuffer);
            }
            if (key.isValid() && key.isWritable()) {
                c.onWritable();
            }
        } catch (IOException e) {
            // A reset or broken pipe ends this connection only; the loop goes on for the others.
            log.println(c.peer + " connection failed: " + e.getMessage());
            c.close();
        }
    }
    // end::event-loop[]

    // tag::accept[]
    private void acceptAll() {
        for (int i = 0; i < 256; i++) { // bounded, so a connection storm cannot starve the others
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (IOException e) {
                // Typically "Too many open files". The listener stays readable, so trying again at
                // once would spin: leave it alone for a second (the sweep turns it back on).
                counters.acceptFailed();
                listenerKey.interestOps(0);
                acceptPausedUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                log.println("accept failed: " + e.getMessage() + "; not accepting for 1 s");
                return;
            }
            if (channel == null) {
                return; // readiness said "probably": nothing is pending after all (S-09)
            }
            if (counters.openConnections() >= maxConnections) {
                refusedSinceLog++; // closed unread: a FIN, or a reset if its bytes are already here
                counters.refusedOne();
                closeQuietly(channel);
                continue;
            }
            try {
                EchoConnection.register(this, selector, channel, sendBuffer);
                counters.opened();
            } catch (IOException e) {
                log.println("could not set up a connection: " + e.getMessage());
                closeQuietly(channel);
            }
        }
    }
    // end::accept[]

    /** Once a second: drop connections that made no progress, resume accepting, report refusals. */
    private void sweep() {
        counters.swept();
        long now = System.nanoTime();
        for (SelectionKey key : selector.keys()) {
            if (key.isValid() && key.attachment() instanceof EchoConnection c && now - c.lastProgress > idleNanos) {
                log.println(c.peer + " made no progress for " + TimeUnit.NANOSECONDS.toMillis(idleNanos)
                        + " ms; disconnected");
                c.close();
            }
        }
        if (listenerKey.interestOps() == 0 && now - acceptPausedUntil >= 0) {
            listenerKey.interestOps(SelectionKey.OP_ACCEPT);
        }
        if (refusedSinceLog > 0) {
            log.println("refused " + refusedSinceLog + " connection(s): already serving " + maxConnections);
            refusedSinceLog = 0;
        }
    }

    private void closeEverything() {
        if (selector.isOpen()) { // after a failure it may be gone; the process's exit closes the rest
            selector.keys().forEach(key -> closeQuietly(key.channel())); // the listener's key too
        }
        closeQuietly(selector);
        closeQuietly(listener);
    }

    private static void closeQuietly(java.io.Closeable channel) {
        try {
            channel.close();
        } catch (IOException ignored) { // stopping this channel anyway
        }
    }

    /** Stops the loop; {@link #serve()} closes every connection and returns. */
    @Override
    public void close() {
        closed = true;
        selector.wakeup();
    }

    @Override
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    void sendBufferForNewConnections(int bytes) { sendBuffer = bytes; } // for tests: forces partial writes
    void breakSelectorForTest() throws IOException { selector.close(); } // for tests: a fatal failure

    public static void main(String[] args) {
        Programs.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            CommandLine line = new CommandLine(args,
                    Set.of("host", "port", "high-water", "max-connections", "idle-timeout"), Set.of(), false);
            if (line.help()) {
                out.println(USAGE);
                return 0;
            }
            int highWater = line.number("high-water", DEFAULT_HIGH_WATER, 1, 1 << 30);
            int cap = line.number("max-connections", DEFAULT_MAX_CONNECTIONS, 1, 1_000_000);
            Duration idle = line.seconds("idle-timeout", DEFAULT_IDLE_TIMEOUT);
            return Programs.serve("SelectEchoServer", Programs.listenAddress(line, DEFAULT_PORT),
                    address -> bind(address, highWater, cap, idle, out), out, err);
        } catch (CommandLine.UsageException e) {
            return Programs.usageError("SelectEchoServer", e, USAGE, err);
        }
    }
}
