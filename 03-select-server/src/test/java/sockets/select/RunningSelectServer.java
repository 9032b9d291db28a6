package sockets.select;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** A {@link SelectEchoServer} on a free loopback port, its loop on its own thread, its log kept. */
final class RunningSelectServer implements AutoCloseable {

    final SelectEchoServer server;
    private final Thread thread;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    /** What ended the loop, if it ended by failing. */
    volatile IOException failure;

    RunningSelectServer(int highWater, Duration idle) throws IOException {
        this(highWater, SelectEchoServer.DEFAULT_MAX_CONNECTIONS, idle);
    }

    RunningSelectServer(int highWater, int maxConnections, Duration idle) throws IOException {
        this(highWater, maxConnections, idle, UnaryOperator.identity());
    }

    /** {@code logThrough} wraps the stream the server logs to: a test can hold the loop in a log line. */
    RunningSelectServer(int highWater, int maxConnections, Duration idle, UnaryOperator<OutputStream> logThrough)
            throws IOException {
        server = SelectEchoServer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), highWater,
                maxConnections, idle,
                new PrintStream(logThrough.apply(log), true, StandardCharsets.UTF_8));
        thread = Thread.ofPlatform().name("test-select-server").start(() -> {
            try {
                server.serve();
            } catch (IOException e) {
                failure = e;
            }
        });
    }

    static RunningSelectServer start() throws IOException {
        return new RunningSelectServer(SelectEchoServer.DEFAULT_HIGH_WATER, Duration.ofSeconds(30));
    }

    InetSocketAddress address() {
        return server.localAddress();
    }

    Socket connect() throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), address().getPort());
    }

    /** Waits, at most five seconds, for the loop's thread to end. */
    void join() throws InterruptedException {
        thread.join(Duration.ofSeconds(5));
    }

    /** Waits, boundedly (10 s), until the log holds {@code text}. */
    void awaitLog(String text) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (!log().contains(text)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("the log never said '" + text + "'; it says:\n" + log());
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    String log() {
        return log.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        server.close();
        thread.join(Duration.ofSeconds(5));
    }
}
