package sockets.echo;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import sockets.cli.CommandLine;
import sockets.cli.Programs;
import sockets.cli.Timeouts;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A blocking TCP echo server: it accepts one client, sends back every byte that client sends
 * until the client closes, then accepts the next one. Clients that arrive meanwhile wait in the
 * listen backlog (their {@code connect} has already succeeded; see the lesson README, E-10).
 *
 * <p>Serving one client at a time is the point of this lesson, and also its limit: a client
 * that goes quiet holds everyone else up. So every wait is bounded: a client that sends
 * nothing for the idle timeout, or stops reading its echo for that long, is disconnected.
 * Lessons 03 and 05 serve many clients at once.
 *
 * <p>Against the course's server checklist (docs/reference.md): a failing {@code accept} pauses
 * 100 ms instead of spinning; every read and write is bounded by the idle timeout; memory is one
 * 8 KiB buffer. Waived on purpose, because serving one client at a time is the lesson: there is no
 * connection cap (later clients wait in the listen backlog) and no per-request deadline (an echo
 * has no requests; the idle timeout bounds silence, so a client that trickles bytes keeps the
 * server busy, which is exactly the limit this design has).
 *
 * <pre>java 01-blocking-echo/src/main/java/sockets/echo/EchoServer.java --port 5001</pre>
 */
public final class EchoServer implements Programs.Server {

    public static final int DEFAULT_PORT = 5001;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** The size of one read. Memory per connection is this buffer, whatever the client sends. */
    static final int BUFFER_SIZE = 8192;

    private static final String USAGE = """
            usage: EchoServer [--host HOST] [--port PORT] [--idle-timeout SECONDS]
              --host HOST              address to listen on (default 127.0.0.1; 0.0.0.0 or :: for every address)
              --port PORT              port to listen on (default 5001; 0 picks a free port)
              --idle-timeout SECONDS   drop a client that sends nothing, or reads nothing, for this long (default 60)""";

    private final ServerSocket listener;
    private final Duration idleTimeout;
    private final PrintStream log;
    /** Closes a connection whose write has made no progress for the idle timeout. */
    private final ScheduledExecutorService watchdog;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closed;
    private volatile Socket current;

    private EchoServer(ServerSocket listener, Duration idleTimeout, PrintStream log) {
        this.listener = listener;
        this.idleTimeout = idleTimeout;
        this.log = log;
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("echo-write-watchdog").daemon(true).factory());
        // Every write schedules a guard and cancels it; without this, cancelled guards would
        // pile up in the queue until their deadline passed.
        timer.setRemoveOnCancelPolicy(true);
        this.watchdog = timer;
    }

    /** Binds and listens; call {@link #serve()} to start accepting. */
    public static EchoServer bind(InetSocketAddress address, Duration idleTimeout, PrintStream log)
            throws IOException {
        Timeouts.require(idleTimeout, "idle timeout"); // before binding: 0 would mean "never time out"
        ServerSocket listener = new ServerSocket();
        try {
            listener.bind(address);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        return new EchoServer(listener, idleTimeout, log);
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** Accepts and serves clients, one after another, until {@link #close()} is called. */
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
                    // For example "Too many open files": the listener is fine, so keep serving.
                    log.println("accept failed: " + e.getMessage());
                    pauseAfterAcceptFailure();
                    continue;
                }
                current = client;
                if (closed) {
                    closeQuietly(client);
                    break;
                }
                handle(client);
                current = null;
            }
        } finally {
            watchdog.shutdownNow();
            stopped.countDown();
        }
    }

    private void handle(Socket client) {
        String peer = Programs.hostPort(client.getRemoteSocketAddress());
        log.println("connection from " + peer);
        AtomicBoolean stalled = new AtomicBoolean();
        try (client) {
            client.setSoTimeout(Timeouts.millis(idleTimeout));
            long echoed = echo(client, stalled);
            log.println(peer + " closed its side; echoed " + echoed + " bytes");
        } catch (SocketTimeoutException e) {
            log.println(peer + " sent nothing for " + seconds(idleTimeout) + "; disconnected");
        } catch (IOException e) {
            if (stalled.get()) {
                log.println(peer + " read none of its echo for " + seconds(idleTimeout) + "; disconnected");
            } else if (closed) {
                log.println(peer + " disconnected: the server is stopping");
            } else {
                // "Connection reset" when the client aborts: only this client is affected.
                log.println(peer + " connection failed: " + e.getMessage());
            }
        }
    }

    // tag::echo-loop[]
    private long echo(Socket client, AtomicBoolean stalled) throws IOException {
        InputStream in = client.getInputStream();
        OutputStream out = client.getOutputStream();
        byte[] buffer = new byte[BUFFER_SIZE];
        long echoed = 0;
        int n;
        // read() returns as soon as *some* bytes are there: 1 to 8192 of them, never "a message".
        // -1 means the client closed its sending side (Python's recv() returning b'').
        while ((n = in.read(buffer)) != -1) {
            // SO_TIMEOUT bounds reads only; a client that never reads would block this write
            // forever, so a watchdog closes the socket if the write stalls.
            ScheduledFuture<?> guard = watchdog.schedule(() -> {
                stalled.set(true);
                closeQuietly(client);
            }, Timeouts.nanos(idleTimeout), TimeUnit.NANOSECONDS);
            try {
                out.write(buffer, 0, n); // loops until all n bytes are queued: this is sendall
            } finally {
                guard.cancel(false);
            }
            echoed += n;
        }
        return echoed;
    }
    // end::echo-loop[]

    /** Stops accepting and disconnects the current client; {@link #serve()} then returns. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        Socket client = current;
        if (client != null) {
            closeQuietly(client);
        }
    }

    /** Waits until {@link #serve()} has returned. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void pauseAfterAcceptFailure() {
        try {
            // Not a synchronisation: a back-off, so a persistent failure does not spin a core.
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // Closing is best effort here: the socket is being abandoned either way.
        }
    }

    public static void main(String[] args) {
        Programs.exit(run(args, System.out, System.err));
    }

    /** Runs the program; returns only on a bad argument or a failure to listen. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            CommandLine line = new CommandLine(args, Set.of("host", "port", "idle-timeout"), Set.of(), false);
            if (line.help()) {
                out.println(USAGE);
                return 0;
            }
            Duration idle = line.seconds("idle-timeout", DEFAULT_IDLE_TIMEOUT);
            return Programs.serve("EchoServer", Programs.listenAddress(line, DEFAULT_PORT),
                    address -> bind(address, idle, out), out, err);
        } catch (CommandLine.UsageException e) {
            return Programs.usageError("EchoServer", e, USAGE, err);
        }
    }
}
