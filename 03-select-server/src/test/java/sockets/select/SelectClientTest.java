package sockets.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The non-blocking client: the whole echo through one selector, and what its way of waiting costs. */
@Tag("fix")
class SelectClientTest {

    @Test
    void through_the_same_pause_the_polling_client_spins_and_burns_cpu_and_the_selecting_one_sleeps() throws Exception {
        byte[] request = "same request, sent in two halves\n".getBytes(StandardCharsets.US_ASCII);
        java.time.Duration pause = java.time.Duration.ofMillis(300); // the client's own timer: no race
        try (RunningSelectServer server = RunningSelectServer.start()) {
            long start = System.nanoTime();
            SelectClient.Exchange selecting = SelectClient.exchange(server.address(), request, false, pause,
                    java.time.Duration.ofSeconds(20));
            long selectingWall = System.nanoTime() - start;
            start = System.nanoTime();
            SelectClient.Exchange polling = SelectClient.exchange(server.address(), request, true, pause,
                    java.time.Duration.ofSeconds(20));
            long pollingWall = System.nanoTime() - start;

            // Both really paused between the halves, and neither can have used more CPU than time passed.
            assertThat(selectingWall).isGreaterThanOrEqualTo(pause.toNanos());
            assertThat(pollingWall).isGreaterThanOrEqualTo(pause.toNanos());
            assertThat(selecting.cpuNanos()).isPositive().isLessThanOrEqualTo(selectingWall);
            assertThat(polling.cpuNanos()).isLessThanOrEqualTo(pollingWall);

            assertThat(selecting.echo()).isEqualTo(request);
            assertThat(polling.echo()).isEqualTo(request);
            // A blocking select wakes for the connect, the writes, the echoes and the timer: a handful.
            assertThat(selecting.wakeups()).isLessThanOrEqualTo(12);
            // selectNow returns at once, so 300 ms of nothing to do is thousands of turns of the loop
            // (hundreds of thousands on an idle machine), and CPU spent for nothing.
            assertThat(polling.wakeups()).isGreaterThan(1_000).isGreaterThan(100 * selecting.wakeups());
            assertThat(polling.cpuNanos()).isGreaterThan(selecting.cpuNanos());
        }
    }

    @Test
    void without_a_pause_the_whole_echo_comes_back_and_a_large_request_is_written_in_pieces() throws Exception {
        byte[] request = new byte[4 << 20]; // more than the socket buffers: many partial writes
        new java.util.Random(1).nextBytes(request);
        try (RunningSelectServer server = RunningSelectServer.start()) {
            SelectClient.Exchange e = SelectClient.exchange(server.address(), request, false, java.time.Duration.ZERO,
                    java.time.Duration.ofSeconds(30));
            assertThat(e.echo()).isEqualTo(request);
            assertThat(e.wakeups()).isGreaterThan(1);
            assertThat(e.cpuNanos()).isPositive();
        }
    }

    @Test
    void a_refused_connect_is_reported_by_finish_connect() throws Exception {
        int closedPort;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = gone.getLocalPort();
        }
        InetSocketAddress nobody = new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort);
        assertThatThrownBy(() -> SelectClient.exchange(nobody, "x".getBytes(StandardCharsets.US_ASCII), false,
                java.time.Duration.ZERO, java.time.Duration.ofSeconds(10))).isInstanceOf(ConnectException.class);
    }

    @Test
    void a_server_that_never_answers_runs_into_the_timeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) { // accepts, never reads
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort());
            assertThatThrownBy(() -> SelectClient.exchange(address, "x".getBytes(StandardCharsets.US_ASCII), false,
                    java.time.Duration.ZERO, java.time.Duration.ofMillis(500))).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void a_server_that_closes_early_is_an_error_that_says_how_much_came() throws Exception {
        try (ServerSocket rude = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (var s = rude.accept()) {
                    s.getOutputStream().write('y'); // one byte of a two-byte echo, then the end
                } catch (java.io.IOException ignored) {
                    // test over
                }
            });
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), rude.getLocalPort());
            assertThatThrownBy(() -> SelectClient.exchange(address, "xx".getBytes(StandardCharsets.US_ASCII), false,
                    java.time.Duration.ZERO, java.time.Duration.ofSeconds(10)))
                    .isInstanceOf(java.io.IOException.class).hasMessage("server closed after 1 of 2 bytes");
        }
    }
}
