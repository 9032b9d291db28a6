package sockets.failure;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import sockets.cli.CommandLine;
import sockets.cli.Programs;

/**
 * A TCP relay that breaks connections on purpose, to see what a client or server does when the
 * network or the peer misbehaves. Put it between any client and any server of the course:
 *
 * <pre>07-shutdown-and-failure/run FaultProxy --port 6001 --target 127.0.0.1:5001 --mode blackhole</pre>
 *
 * Modes: {@code pass} forwards faithfully; {@code blackhole} stops forwarding without closing
 * anything (the peer that "dies hard", D-06); {@code reset} resets both sides (RST, via
 * {@code SO_LINGER} 0); {@code limit:N} forwards N bytes each way, then ends that direction; {@code slice:N}
 * delivers in N-byte pieces; {@code delay:MS} holds each piece back MS milliseconds. The mode can be
 * changed while connections are open ({@link #mode(String)}), which is how tests make a peer die
 * in the middle of a conversation.
 *
 * <p>It is a test tool, but it still holds: a failing {@code accept} (out of descriptors) pauses
 * accepting instead of spinning or ending the proxy, and both sockets of a relayed connection are
 * closed as soon as both directions have ended, so ended connections hold no descriptors.
 */
public final class FaultProxy implements Programs.Server {

    public static final String MODES = "pass|blackhole|reset|limit:N|slice:N|delay:MS";

    private static final String USAGE = """
            usage: FaultProxy --port PORT --target HOST:PORT [--mode %s] [--host HOST]
              --port PORT        port to accept clients on (0 picks a free one)
              --target HOST:PORT the server to relay to
              --mode MODE        pass (default), blackhole (forward nothing, close nothing), reset (RST both sides),
                                 limit:N (N bytes each way, then end that direction), slice:N (N-byte pieces),
                                 delay:MS (hold each piece back MS ms)
              --host HOST        address to listen on (default 127.0.0.1)""".formatted(MODES);

    /** A parsed mode. */
    public record Mode(String kind, long n) {
        public static Mode parse(String text) {
            String[] parts = text.toLowerCase(Locale.ROOT).split(":", 2);
            String kind = parts[0];
            boolean takesNumber = kind.equals("limit") || kind.equals("slice") || kind.equals("delay");
            boolean simple = kind.equals("pass") || kind.equals("blackhole") || kind.equals("reset");
            if (simple && parts.length == 1) {
                return new Mode(kind, 0);
            }
            if (takesNumber && parts.length == 2) {
                try {
                    long n = Long.parseLong(parts[1]);
                    if (n > 0) {
                        return new Mode(kind, n);
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
            }
            throw new IllegalArgumentException("mode must be one of " + MODES + ", not '" + text + "'");
        }
    }

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final PrintStream log;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Mode mode;
    private volatile boolean closed;
    /** Bytes forwarded, both directions together. */
    public final AtomicLong forwarded = new AtomicLong();

    private FaultProxy(ServerSocket listener, InetSocketAddress target, Mode mode, PrintStream log) {
        this.listener = listener;
        this.target = target;
        this.mode = mode;
        this.log = log;
    }

    public static FaultProxy bind(InetSocketAddress listen, InetSocketAddress target, String mode, PrintStream log)
            throws IOException {
        Mode parsed = Mode.parse(mode);
        Programs.prepareForDescriptorShortage(FaultProxy.class); // before the process can run out of descriptors
        ServerSocket listener = new ServerSocket();
        try {
            listener.bind(listen);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        return new FaultProxy(listener, target, parsed, log);
    }

    /** Binds and accepts on a thread of its own, for tests and demos. */
    public static FaultProxy start(InetSocketAddress listen, InetSocketAddress target, String mode, PrintStream log)
            throws IOException {
        FaultProxy proxy = bind(listen, target, mode, log);
        Thread.ofPlatform().daemon(true).name("fault-proxy-accept").start(proxy::serve);
        return proxy;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** Changes the mode; connections already open follow it from their next piece of data. */
    public void mode(String newMode) {
        mode = Mode.parse(newMode);
        log.println("mode is now " + newMode);
    }

    /** Accepts and relays until {@link #close()}. */
    @Override
    public void serve() {
        try {
            while (!closed) {
                Socket client;
                try {
                    client = listener.accept();
                } catch (IOException e) {
                    if (!closed) {
                        // "Too many open files", say: the listener is fine. Pause, so that a
                        // failure that persists neither spins a core nor floods the log.
                        log.println("accept failed: " + e.getMessage() + "; pausing 1 s");
                        pauseAfterAcceptFailure();
                    }
                    continue;
                }
                Thread.ofVirtual().start(() -> relay(client));
            }
        } finally {
            stopped.countDown();
        }
    }

    private void pauseAfterAcceptFailure() {
        try {
            Thread.sleep(1_000); // a back-off, not a synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
        }
    }

    private void relay(Socket client) {
        sockets.add(client);
        Socket server = new Socket();
        sockets.add(server);
        try {
            server.connect(target, 10_000);
            client.setTcpNoDelay(true);
            server.setTcpNoDelay(true);
        } catch (IOException e) {
            log.println("cannot reach " + Programs.hostPort(target) + ": " + e.getMessage());
            closeQuietly(client, false);
            closeQuietly(server, false);
            return;
        }
        if (mode.kind().equals("reset")) {
            resetBoth(client, server);
            return;
        }
        Thread upstream = Thread.ofVirtual().start(() -> pump(client, server));
        pump(server, client);
        try {
            upstream.join(); // both directions have ended (or failed, which closes both sockets)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(client, false); // without this, every clean end would leak two descriptors
            closeQuietly(server, false);
        }
    }

    // tag::pump[]
    /** Copies one direction, doing to each piece what the current mode says. */
    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[8192];
        long sent = 0;
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) != -1) {
                Mode m = mode;
                switch (m.kind()) {
                    case "blackhole" -> {
                        continue; // swallowed: nothing forwarded, nothing closed, no error anywhere
                    }
                    case "reset" -> {
                        resetBoth(from, to);
                        return;
                    }
                    case "limit" -> {
                        // Never negative: the limit may have been lowered below what was sent already.
                        int allowed = (int) Math.max(0, Math.min(n, m.n() - sent));
                        out.write(buffer, 0, allowed);
                        sent += allowed;
                        if (sent >= m.n()) {
                            to.shutdownOutput(); // this direction ends here; the other runs to its own limit
                            forwarded.addAndGet(allowed);
                            return;
                        }
                    }
                    case "slice" -> {
                        for (int off = 0; off < n; off += (int) m.n()) {
                            out.write(buffer, off, (int) Math.min(m.n(), n - off)); // one segment each (TCP_NODELAY)
                        }
                    }
                    case "delay" -> {
                        Thread.sleep(m.n()); // the delay is the point of this mode
                        out.write(buffer, 0, n);
                    }
                    default -> out.write(buffer, 0, n);
                }
                forwarded.addAndGet(n);
            }
            if (!mode.kind().equals("blackhole")) {
                to.shutdownOutput(); // pass the half-close on; a black hole passes nothing, not even a FIN
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            closeQuietly(from, false); // any failure ends the relay with both sockets closed, none leaked
            closeQuietly(to, false);
        }
    }
    // end::pump[]

    private void resetBoth(Socket a, Socket b) {
        closeQuietly(a, true);
        closeQuietly(b, true);
    }

    private void closeQuietly(Socket s, boolean reset) {
        try {
            if (reset && !s.isClosed()) {
                s.setSoLinger(true, 0); // close() now sends RST and discards unsent data
            }
            s.close();
        } catch (IOException ignored) {
            // already gone
        }
        sockets.remove(s);
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // stopping anyway
        }
        for (Socket s : sockets) {
            closeQuietly(s, false);
        }
    }

    /** Sockets the proxy holds open now: two for each connection being relayed. */
    public int openSockets() {
        return sockets.size();
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
            CommandLine line = new CommandLine(args, Set.of("port", "target", "mode", "host"), Set.of(), false);
            if (line.help()) {
                out.println(USAGE);
                return 0;
            }
            InetSocketAddress to = line.option("target", null, FaultProxy::parseTarget, t -> true, "HOST:PORT");
            line.option("mode", null, Mode::parse, m -> true, MODES); // only to report a bad mode here
            String mode = line.string("mode", "pass");
            if (to == null || line.string("port", null) == null) {
                throw new CommandLine.UsageException("--port and --target are required");
            }
            return Programs.serve("FaultProxy", Programs.listenAddress(line, -1),
                    address -> bind(address, to, mode, out), out, err);
        } catch (CommandLine.UsageException e) {
            return Programs.usageError("FaultProxy", e, USAGE, err);
        }
    }

    /** {@code HOST:PORT} or {@code [IPV6]:PORT}, resolved; throws when it is neither. */
    static InetSocketAddress parseTarget(String text) {
        int colon = text.lastIndexOf(':');
        InetSocketAddress address = new InetSocketAddress(
                text.substring(0, colon).replaceAll("^\\[|\\]$", ""), Integer.parseInt(text.substring(colon + 1)));
        if (address.isUnresolved() || address.getPort() == 0) {
            throw new IllegalArgumentException("cannot resolve " + text);
        }
        return address;
    }
}
