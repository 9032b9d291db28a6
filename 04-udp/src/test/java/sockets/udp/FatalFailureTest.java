package sockets.udp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A receive that fails for a reason other than {@code close()} ends the server with an exception (exit 1). */
@Tag("fix")
class FatalFailureTest {

    @Test
    void a_channel_closed_under_the_server_is_a_failure_not_a_clean_stop() throws Exception {
        UdpServer server = UdpServer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), false, 512,
                new PrintStream(new ByteArrayOutputStream()));
        Exception[] failure = new Exception[1];
        Thread serving = Thread.ofPlatform().start(() -> {
            try {
                server.serve();
            } catch (Exception e) {
                failure[0] = e;
            }
        });
        server.channelForTest().close(); // not server.close(): something else broke it
        assertThat(server.awaitStopped(Duration.ofSeconds(10))).isTrue();
        serving.join(5_000);
        assertThat(failure[0]).isInstanceOf(ClosedChannelException.class);
        server.close();
    }

    @Test
    void close_is_a_clean_stop() throws Exception {
        UdpServer server = UdpServer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), false, 512,
                new PrintStream(new ByteArrayOutputStream()));
        Exception[] failure = new Exception[1];
        Thread serving = Thread.ofPlatform().start(() -> {
            try {
                server.serve();
            } catch (Exception e) {
                failure[0] = e;
            }
        });
        server.close();
        assertThat(server.awaitStopped(Duration.ofSeconds(10))).isTrue();
        serving.join(5_000);
        assertThat(failure[0]).isNull();
    }
}
