package sockets.echo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** An {@link EchoServer} on a free loopback port, serving on its own thread, with its log kept. */
final class RunningEchoServer implements AutoCloseable {

    final EchoServer server;
    private final Thread thread;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    private RunningEchoServer(Duration idleTimeout) throws IOException {
        server = EchoServer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), idleTimeout,
                new PrintStream(log, true, StandardCharsets.UTF_8));
        thread = Thread.ofPlatform().name("test-echo-server").start(server::serve);
    }

    static RunningEchoServer start() throws IOException {
        return start(Duration.ofSeconds(30));
    }

    static RunningEchoServer start(Duration idleTimeout) throws IOException {
        return new RunningEchoServer(idleTimeout);
    }

    /** The thread the server serves on, for measuring what it allocates. */
    Thread thread() {
        return thread;
    }

    int port() {
        return server.localAddress().getPort();
    }

    Socket connect() throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), port());
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
