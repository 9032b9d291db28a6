package sockets.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The selector server's life: its limits checked when built, a small echo sent straight out, a stop that closes all. */
@Tag("fix")
class LifecycleTest {

    private static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final PrintStream QUIET = new PrintStream(java.io.OutputStream.nullOutputStream());

    @Test
    void the_high_water_mark_and_the_cap_must_be_at_least_1() throws Exception {
        SelectEchoServer.bind(ANY, 1, 1, Duration.ofSeconds(1), QUIET).close();
        assertThatThrownBy(() -> SelectEchoServer.bind(ANY, 0, 1, Duration.ofSeconds(1), QUIET))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SelectEchoServer.bind(ANY, 1, 0, Duration.ofSeconds(1), QUIET))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_small_echo_goes_straight_out_without_ever_being_queued() throws Exception {
        try (RunningSelectServer server = RunningSelectServer.start(); Socket s = server.connect()) {
            s.setSoTimeout(10_000);
            for (int i = 0; i < 20; i++) {
                s.getOutputStream().write(new byte[1_000]);
                assertThat(s.getInputStream().readNBytes(1_000)).hasSize(1_000);
            }
            assertThat(server.server.awaitStopped(Duration.ofMillis(1))).as("still serving").isFalse();
            // The client can read an echo before the selector thread has counted it: read the
            // counters once that thread has finished (awaitStopped is the happens-before edge).
            server.server.close();
            assertThat(server.server.awaitStopped(Duration.ofSeconds(10))).isTrue();
            assertThat(server.server.counters.mostPendingBytes()).isZero();
            assertThat(server.server.counters.bytesRead()).isEqualTo(20_000);
            assertThat(server.server.counters.bytesWritten()).isEqualTo(20_000);
        }
    }

    @Test
    void a_stop_closes_every_connection_and_the_listener() throws Exception {
        RunningSelectServer server = RunningSelectServer.start();
        int port = server.address().getPort();
        try (Socket a = server.connect(); Socket b = server.connect()) {
            a.setSoTimeout(10_000);
            b.setSoTimeout(10_000);
            a.getOutputStream().write('x');
            assertThat(a.getInputStream().read()).isEqualTo('x');
            server.close();
            assertThat(server.server.awaitStopped(Duration.ofSeconds(10))).isTrue();
            // Plain reads: nothing was left unread, so each gets the FIN of an orderly close (a reset would throw).
            assertThat(a.getInputStream().read()).isEqualTo(-1);
            assertThat(b.getInputStream().read()).isEqualTo(-1);
        }
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void the_sweep_logs_refusals_only_when_there_were_some() throws Exception {
        try (RunningSelectServer server = new RunningSelectServer(SelectEchoServer.DEFAULT_HIGH_WATER, 5, Duration.ofSeconds(30));
             Socket s = server.connect()) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write('x');
            assertThat(s.getInputStream().read()).isEqualTo('x');
            try (Socket idle = server.connect()) {
                // Two sweeps go by (they run each second); neither refused anyone, so neither says so.
                idle.setSoTimeout(2_500);
                assertThatThrownBy(() -> idle.getInputStream().read()).isInstanceOf(java.net.SocketTimeoutException.class);
            }
            assertThat(server.log()).doesNotContain("refused");
        }
    }
}
