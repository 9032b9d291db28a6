package sockets.failure;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
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

/**
 * A TCP relay that breaks connections on purpose, to see what a client or server does when the
 * network or the peer misbehaves. Put it between any client and any server of the course:
 *
 * <pre>FaultProxy --listen 6001 --target 127.0.0.1:5001 --mode blackhole</pre>
 *
 * Modes: {@code pass} forwards faithfully; {@code blackhole} stops forwarding without closing
 * anything (the peer that "dies hard", D-06); {@code reset} resets both sides (RST, via
 * {@code SO_LINGER} 0); {@code limit:N} forwards N bytes each way, then ends that direction; {@code slice:N}
 * delivers in N-byte pieces; {@code delay:MS} holds each piece back MS milliseconds. The mode can be
 * changed while connections are open ({@link #mode(String)}), which is how tests make a peer die
 * in the middle of a conversation.
 */
public final class FaultProxy implements Closeable {

    public static final String MODES = "pass|blackhole|reset|limit:N|slice:N|delay:MS";

    private static final String USAGE = """
            usage: FaultProxy --listen PORT --target HOST:PORT [--mode %s] [--host HOST]
              --listen PORT      port to accept clients on (0 picks a free one)
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

    public static FaultProxy start(InetSocketAddress listen, InetSocketAddress target, String mode, PrintStream log)
            throws IOException {
        Mode parsed = Mode.parse(mode);
        ServerSocket listener = new ServerSocket();
        try {
            listener.bind(listen);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        FaultProxy proxy = new FaultProxy(listener, target, parsed, log);
        Thread.ofPlatform().daemon(true).name("fault-proxy-accept").start(proxy::acceptLoop);
        return proxy;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** Changes the mode; connections already open follow it from their next piece of data. */
    public void mode(String newMode) {
        mode = Mode.parse(newMode);
        log.println("mode is now " + newMode);
    }

    private void acceptLoop() {
        try {
            while (!closed) {
                Socket client = listener.accept();
                Thread.ofVirtual().start(() -> relay(client));
            }
        } catch (IOException e) {
            if (!closed) {
                log.println("accept failed: " + e.getMessage());
            }
        } finally {
            stopped.countDown();
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
            log.println("cannot reach " + target + ": " + e.getMessage());
            closeQuietly(client, false);
            closeQuietly(server, false);
            return;
        }
        if (mode.kind().equals("reset")) {
            resetBoth(client, server);
            return;
        }
        Thread.ofVirtual().start(() -> pump(client, server));
        pump(server, client);
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
                        int allowed = (int) Math.min(n, m.n() - sent);
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
        } catch (IOException | InterruptedException e) {
            closeQuietly(from, false);
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

    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static void main(String[] args) throws InterruptedException {
        FaultProxy proxy;
        try {
            CommandLine line = CommandLine.parse(args, Set.of("listen", "target", "mode", "host"), false);
            if (line.help()) {
                System.out.println(USAGE);
                return;
            }
            int port = line.port("listen", -1);
            String target = line.string("target", null);
            if (port < 0 || target == null) {
                throw new CommandLine.UsageException("--listen and --target are required");
            }
            int colon = target.lastIndexOf(':');
            if (colon < 1) {
                throw new CommandLine.UsageException("--target must be HOST:PORT, not '" + target + "'");
            }
            int targetPort;
            try {
                targetPort = Integer.parseInt(target.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new CommandLine.UsageException("--target must be HOST:PORT, not '" + target + "'");
            }
            String mode = line.string("mode", "pass");
            try {
                Mode.parse(mode);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.UsageException("--" + e.getMessage());
            }
            InetSocketAddress listen = new InetSocketAddress(InetAddress.getByName(line.string("host", "127.0.0.1")), port);
            InetSocketAddress to = new InetSocketAddress(target.substring(0, colon).replaceAll("^\\[|\\]$", ""), targetPort);
            if (to.isUnresolved()) {
                throw new CommandLine.UsageException("--target: cannot resolve '" + target + "'");
            }
            proxy = start(listen, to, mode, System.out);
        } catch (CommandLine.UsageException e) {
            System.err.println("FaultProxy: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(CommandLine.EXIT_USAGE);
            return;
        } catch (IOException e) {
            System.err.println("FaultProxy: cannot listen: " + e.getMessage());
            System.exit(CommandLine.EXIT_FAILURE);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            proxy.close();
            System.out.println("stopped");
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }, "fault-proxy-shutdown"));
        System.out.println("listening on " + HalfCloseServer.describe(proxy.localAddress()));
        proxy.awaitStopped(Duration.ofDays(365_000));
    }
}
