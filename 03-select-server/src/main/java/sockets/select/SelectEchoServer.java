package sockets.select;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An echo server in one thread: one {@link Selector} watches the listening channel and every
 * connection, and the thread only ever does work that cannot block.
 *
 * <p>What the seed's select server gets wrong, done right here (lesson README, S-13 … S-14,
 * BUG-17 … BUG-22): a partial write keeps the rest at the head of the queue; {@code OP_WRITE} is
 * on only while output is waiting; a client that half-closes gets its whole echo before the
 * connection is closed; a reset affects only that connection; and a client that never reads
 * cannot grow the server's memory: above a high-water mark of pending output the server stops
 * reading from it, and starts again below a low-water mark.
 *
 * <pre>java 03-select-server/src/main/java/sockets/select/SelectEchoServer.java --port 5003</pre>
 */
public final class SelectEchoServer implements Closeable {

    public static final int DEFAULT_PORT = 5003;
    public static final int READ_BUFFER = 64 * 1024;
    public static final int DEFAULT_HIGH_WATER = 256 * 1024;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    private static final String USAGE = """
            usage: SelectEchoServer [--host HOST] [--port PORT] [--high-water BYTES] [--idle-timeout SECONDS]
              --host HOST              address to listen on (default 127.0.0.1)
              --port PORT              port to listen on (default 5003; 0 picks a free port)
              --high-water BYTES       stop reading from a client with this much unsent echo (default 262144);
                                       reading resumes below a quarter of it
              --idle-timeout SECONDS   close a connection with no progress either way for this long (default 60)""";

    private final ServerSocketChannel listener;
    private final Selector selector;
    private final int highWater;
    private final int lowWater;
    private final long idleNanos;
    private final PrintStream log;
    /** One read buffer for every connection: the selector thread reads one connection at a time. */
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closed;
    private volatile int sendBuffer; // 0: the kernel's default; tests shrink it to force partial writes

    // Counters for tests and for anyone watching the server; written by the selector thread only.
    private final AtomicLong read = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong mostPending = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();

    private SelectEchoServer(ServerSocketChannel listener, Selector selector, int highWater, Duration idle, PrintStream log) {
        this.listener = listener;
        this.selector = selector;
        this.highWater = highWater;
        this.lowWater = highWater / 4;
        this.idleNanos = idle.toNanos();
        this.log = log;
    }

    public static SelectEchoServer bind(InetSocketAddress address, int highWater, Duration idleTimeout, PrintStream log)
            throws IOException {
        if (highWater < 1) {
            throw new IllegalArgumentException("high-water mark must be positive: " + highWater);
        }
        ServerSocketChannel listener = ServerSocketChannel.open();
        Selector selector = null;
        try {
            listener.bind(address, 4096); // Linux caps this at net.core.somaxconn
            listener.configureBlocking(false);
            selector = Selector.open();
            listener.register(selector, SelectionKey.OP_ACCEPT);
            return new SelectEchoServer(listener, selector, highWater, idleTimeout, log);
        } catch (IOException | RuntimeException e) {
            listener.close();
            if (selector != null) {
                selector.close();
            }
            throw e;
        }
    }

    public InetSocketAddress localAddress() {
        try {
            return (InetSocketAddress) listener.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException("listener closed", e);
        }
    }

    // tag::event-loop[]
    /** Runs the event loop on the calling thread until {@link #close()}. */
    public void serve() {
        long nextSweep = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        try {
            while (!closed) {
                selector.select(1_000); // sleeps until something is ready; wakes each second to sweep
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
                    closeIdleConnections();
                    nextSweep = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                }
            }
        } catch (IOException | ClosedSelectorException e) {
            if (!closed) {
                log.println("selector failed: " + e.getMessage());
            }
        } finally {
            closeEverything();
            stopped.countDown();
        }
    }

    private void serviceConnection(SelectionKey key) {
        Connection c = (Connection) key.attachment();
        try {
            if (key.isReadable()) {
                c.onReadable();
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

    private void acceptAll() throws IOException {
        for (int i = 0; i < 256; i++) { // bounded, so a connection storm cannot starve the others
            SocketChannel channel = listener.accept();
            if (channel == null) {
                return; // readiness said "probably": nothing is pending after all (S-09)
            }
            try {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                if (sendBuffer > 0) {
                    channel.setOption(StandardSocketOptions.SO_SNDBUF, sendBuffer);
                }
                Connection c = new Connection(channel);
                c.key = channel.register(selector, SelectionKey.OP_READ, c);
                connections.incrementAndGet();
            } catch (IOException e) {
                log.println("could not set up a connection: " + e.getMessage());
                channel.close();
            }
        }
    }

    /** One client: its channel, and the echo it is owed but has not read yet. */
    private final class Connection {
        final SocketChannel channel;
        final String peer;
        final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();
        SelectionKey key;
        long pendingBytes;
        boolean inputEnded;
        boolean readingPaused;
        long lastProgress = System.nanoTime();

        Connection(SocketChannel channel) throws IOException {
            this.channel = channel;
            this.peer = describe(channel.getRemoteAddress());
        }

        // tag::on-readable[]
        void onReadable() throws IOException {
            readBuffer.clear();
            int n = channel.read(readBuffer);
            if (n == -1) {
                // The client will send no more. It may still be reading: finish its echo first.
                inputEnded = true;
                if (pending.isEmpty()) {
                    close();
                } else {
                    updateInterest();
                }
                return;
            }
            if (n == 0) {
                return;
            }
            lastProgress = System.nanoTime();
            read.addAndGet(n);
            readBuffer.flip();
            if (pending.isEmpty()) {
                write(readBuffer); // the usual case: the echo goes straight out, no copy
            }
            if (readBuffer.hasRemaining()) {
                // The send buffer is full: keep the rest, in order, until the client reads.
                ByteBuffer rest = ByteBuffer.allocate(readBuffer.remaining()).put(readBuffer).flip();
                pending.add(rest);
                pendingBytes += rest.remaining();
                mostPending.accumulateAndGet(pendingBytes, Math::max);
            }
            updateInterest();
        }
        // end::on-readable[]

        // tag::on-writable[]
        void onWritable() throws IOException {
            while (!pending.isEmpty()) {
                ByteBuffer head = pending.peek();
                int n = write(head);
                pendingBytes -= n;
                if (head.hasRemaining()) {
                    break; // partial write: the rest stays at the head of the queue (S-14)
                }
                pending.poll();
            }
            if (pending.isEmpty() && inputEnded) {
                close(); // everything the client sent has been echoed
                return;
            }
            updateInterest();
        }

        /** Reads only below the high-water mark; asks for OP_WRITE only while output waits (S-08). */
        void updateInterest() {
            if (readingPaused && pendingBytes <= lowWater) {
                readingPaused = false;
            } else if (!readingPaused && pendingBytes >= highWater) {
                readingPaused = true; // back-pressure: a client that never reads costs bounded memory
            }
            int ops = 0;
            if (!inputEnded && !readingPaused) {
                ops |= SelectionKey.OP_READ;
            }
            if (!pending.isEmpty()) {
                ops |= SelectionKey.OP_WRITE;
            }
            key.interestOps(ops);
        }
        // end::on-writable[]

        private int write(ByteBuffer buffer) throws IOException {
            int n = channel.write(buffer);
            written.addAndGet(n);
            if (n > 0) {
                lastProgress = System.nanoTime();
            }
            return n;
        }

        void close() {
            if (!channel.isOpen()) {
                return;
            }
            try {
                channel.close(); // also cancels the key; the selector drops it at the next select
            } catch (IOException ignored) {
                // nothing more to do for this connection
            }
            connections.decrementAndGet();
        }
    }

    private void closeIdleConnections() {
        long now = System.nanoTime();
        for (SelectionKey key : selector.keys()) {
            if (key.isValid() && key.attachment() instanceof Connection c && now - c.lastProgress > idleNanos) {
                log.println(c.peer + " made no progress for " + TimeUnit.NANOSECONDS.toMillis(idleNanos)
                        + " ms; disconnected");
                c.close();
            }
        }
    }

    private void closeEverything() {
        try {
            for (SelectionKey key : selector.keys()) {
                key.channel().close();
            }
            selector.close();
        } catch (IOException | ClosedSelectorException ignored) {
            // stopping anyway
        }
        try {
            listener.close();
        } catch (IOException ignored) {
            // stopping anyway
        }
    }

    /** Stops the loop; {@link #serve()} closes every connection and returns. */
    @Override
    public void close() {
        closed = true;
        selector.wakeup();
    }

    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Bytes read from clients, each owed back as echo; equal to {@link #bytesWritten()} once drained. */
    long bytesRead() {
        return read.get();
    }

    /** For tests: the SO_SNDBUF of connections accepted from now on. */
    void sendBufferForNewConnections(int bytes) {
        sendBuffer = bytes;
    }

    long bytesWritten() {
        return written.get();
    }

    /** The largest amount of unsent echo any one connection has held. */
    long mostPendingBytes() {
        return mostPending.get();
    }

    long openConnections() {
        return connections.get();
    }

    static String describe(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            String host = inet.getAddress().getHostAddress();
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        InetSocketAddress address;
        int highWater;
        Duration idle;
        try {
            CommandLine line = CommandLine.parse(args, Set.of("host", "port", "high-water", "idle-timeout"), false);
            if (line.help()) {
                out.println(USAGE);
                return 0;
            }
            int port = line.port("port", DEFAULT_PORT);
            highWater = line.size("high-water", DEFAULT_HIGH_WATER, 1 << 30);
            idle = line.seconds("idle-timeout", DEFAULT_IDLE_TIMEOUT);
            String host = line.string("host", "127.0.0.1");
            try {
                address = new InetSocketAddress(InetAddress.getByName(host), port);
            } catch (UnknownHostException e) {
                throw new CommandLine.UsageException("--host: cannot resolve '" + host + "'");
            }
        } catch (CommandLine.UsageException e) {
            err.println("SelectEchoServer: " + e.getMessage());
            err.println(USAGE);
            return CommandLine.EXIT_USAGE;
        }
        SelectEchoServer server;
        try {
            server = bind(address, highWater, idle, out);
        } catch (BindException e) {
            err.println("SelectEchoServer: cannot listen on " + describe(address) + ": " + e.getMessage()
                    + " (is another server using that port? try --port 0)");
            return CommandLine.EXIT_FAILURE;
        } catch (IOException e) {
            err.println("SelectEchoServer: cannot listen on " + describe(address) + ": " + e.getMessage());
            return CommandLine.EXIT_FAILURE;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            try {
                server.awaitStopped(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.println("stopped");
            out.flush();
            Runtime.getRuntime().halt(0); // stopped by a signal is a normal stop: status 0
        }, "select-server-shutdown"));
        out.println("listening on " + describe(server.localAddress()));
        server.serve();
        return 0;
    }
}
