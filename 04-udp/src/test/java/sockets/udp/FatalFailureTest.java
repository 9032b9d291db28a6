package sockets.udp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A receive that fails for a reason other than {@code close()} ends the server with an exception (exit 1). */
@Tag("fix")
class FatalFailureTest {

    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private Thread loop;

    /** A server on a free port, serving on its own thread; what ends its loop lands in {@link #failure}. */
    private UdpServer serving() throws Exception {
        UdpServer server = UdpServer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), false, 512,
                new PrintStream(new ByteArrayOutputStream()));
        loop = Thread.ofPlatform().start(() -> {
            try {
                server.serve();
            } catch (Exception e) {
                failure.set(e);
            }
        });
        return server;
    }

    @Test
    void a_channel_closed_under_the_server_is_a_failure_not_a_clean_stop() throws Exception {
        UdpServer server = serving();
        server.channelForTest().close(); // not server.close(): something else broke it
        assertThat(server.awaitStopped(Duration.ofSeconds(10))).isTrue();
        loop.join(Duration.ofSeconds(10)); // the failure is handed over after the loop has stopped
        assertThat(failure.get()).isInstanceOf(ClosedChannelException.class);
        server.close();
    }

    @Test
    void close_is_a_clean_stop() throws Exception {
        UdpServer server = serving();
        server.close();
        assertThat(server.awaitStopped(Duration.ofSeconds(10))).isTrue();
        loop.join(Duration.ofSeconds(10));
        assertThat(failure.get()).isNull();
    }
}
