package sockets.framing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A {@link FramingServer} on a free loopback port, serving on its own thread, with its log kept. */
final class RunningFramingServer implements AutoCloseable {

    final FramingServer server;
    private final Thread thread;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    RunningFramingServer(FramingServer.Framing framing, int maxFrame, Duration frameTimeout) throws IOException {
        this(framing, maxFrame, FramingServer.DEFAULT_MAX_CONNECTIONS, frameTimeout);
    }

    RunningFramingServer(FramingServer.Framing framing, int maxFrame, int maxConnections, Duration frameTimeout)
            throws IOException {
        this(framing, maxFrame, maxConnections, FramingServer.DEFAULT_IDLE_TIMEOUT, frameTimeout);
    }

    RunningFramingServer(FramingServer.Framing framing, int maxFrame, int maxConnections, Duration idleTimeout,
            Duration frameTimeout) throws IOException {
        server = FramingServer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), framing, maxFrame,
                maxConnections, idleTimeout, frameTimeout, new PrintStream(log, true, StandardCharsets.UTF_8));
        thread = Thread.ofPlatform().name("test-framing-server").start(server::serve);
    }

    static RunningFramingServer length() throws IOException {
        return new RunningFramingServer(FramingServer.Framing.LENGTH, 1 << 20, Duration.ofSeconds(30));
    }

    int port() {
        return server.localAddress().getPort();
    }

    Socket connect() throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), port());
    }

    /** Sends one length-prefixed frame on {@code s} and returns the reply frame. */
    static byte[] exchange(Socket s, byte[] message) throws IOException {
        new LengthPrefixedWriter(s.getOutputStream(), 1 << 20).writeFrame(message);
        return new LengthPrefixedReader(new BufferedInputStream(s.getInputStream()), 1 << 20).readFrame();
    }

    String log() {
        return log.toString(StandardCharsets.UTF_8);
    }

    /** Waits, boundedly (10 s), until the log holds {@code text}: a connection's line comes after its close. */
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

    @Override
    public void close() throws InterruptedException {
        server.close();
        thread.join(Duration.ofSeconds(5));
    }
}
