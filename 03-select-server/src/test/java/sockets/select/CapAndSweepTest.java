package sockets.select;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The selector server's connection cap and its once-a-second sweep. */
@Tag("fix")
class CapAndSweepTest {

    private static String echo(Socket s, String text) throws IOException {
        s.setSoTimeout(10_000);
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        return new String(s.getInputStream().readNBytes(text.length()), StandardCharsets.US_ASCII);
    }

    private static int readOrReset(InputStream in) {
        try {
            return in.read();
        } catch (IOException reset) {
            return -1;
        }
    }

    @Test
    void beyond_the_cap_a_newcomer_is_closed_at_once_counted_and_logged_and_the_others_go_on() throws Exception {
        try (RunningSelectServer server = new RunningSelectServer(SelectEchoServer.DEFAULT_HIGH_WATER, 2, Duration.ofSeconds(30));
             Socket first = server.connect();
             Socket second = server.connect()) {
            assertThat(echo(first, "one")).isEqualTo("one"); // both registered now
            assertThat(echo(second, "two")).isEqualTo("two");
            assertThat(server.server.counters.openConnections()).isEqualTo(2);
            try (Socket third = server.connect()) {
                third.setSoTimeout(10_000);
                assertThat(readOrReset(third.getInputStream())).isEqualTo(-1);
            }
            assertThat(server.server.counters.refusedConnections()).isEqualTo(1);
            server.awaitLog("refused 1 connection(s): already serving 2");
            assertThat(echo(first, "still")).isEqualTo("still");
        }
        // and once one leaves, a newcomer gets its place
        try (RunningSelectServer server = new RunningSelectServer(SelectEchoServer.DEFAULT_HIGH_WATER, 1, Duration.ofSeconds(30))) {
            try (Socket only = server.connect()) {
                assertThat(echo(only, "a")).isEqualTo("a");
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (server.server.counters.openConnections() > 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // bounded: the server notices the close within a pass
                Thread.yield();
            }
            try (Socket next = server.connect()) {
                assertThat(echo(next, "b")).isEqualTo("b");
            }
        }
    }

    @Test
    void the_sweep_closes_a_connection_with_no_progress_and_logs_it_with_its_peer() throws Exception {
        try (RunningSelectServer server = new RunningSelectServer(SelectEchoServer.DEFAULT_HIGH_WATER, 10, Duration.ofSeconds(1));
             Socket idle = server.connect()) {
            assertThat(echo(idle, "x")).isEqualTo("x");
            idle.setSoTimeout(20_000);
            assertThat(readOrReset(idle.getInputStream())).isEqualTo(-1); // closed by the sweep
            server.awaitLog("127.0.0.1:" + idle.getLocalPort() + " made no progress for 1000 ms; disconnected");
        }
    }
}
