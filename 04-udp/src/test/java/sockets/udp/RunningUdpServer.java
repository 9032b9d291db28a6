package sockets.udp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A {@link UdpServer} on a free loopback port, on its own thread, with its log kept. */
final class RunningUdpServer implements AutoCloseable {

    final UdpServer server;
    /** What ended the loop, if it ended by failing. */
    volatile IOException failure;
    private final Thread thread;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    RunningUdpServer(boolean echo) throws IOException {
        server = UdpServer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), echo, UdpServer.DEFAULT_MAX_DATAGRAM,
                new PrintStream(log, true, StandardCharsets.UTF_8));
        thread = Thread.ofPlatform().name("test-udp-server").start(() -> {
            try {
                server.serve();
            } catch (IOException e) {
                failure = e;
            }
        });
    }

    InetSocketAddress address() {
        return server.localAddress();
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
