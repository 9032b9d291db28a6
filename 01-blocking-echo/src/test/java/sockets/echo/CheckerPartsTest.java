package sockets.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import sockets.cli.Wire;

/**
 * The wire checker's own measuring part, against servers in this JVM: the rate yardstick of stage
 * 3. (Stage 4's descriptor count is the shared {@code sockets.cli.ServerProcess}, tested in docs'
 * {@code ServerProcessTest}. Stage 5's client, {@code Wire.Peer.oweAll}, which goes on sending while
 * the server reads on with its send buffer full, is checked by CheckerTest against the lesson's
 * server, and by the catalogue against servers that keep, drop or cap what they owe.)
 */
class CheckerPartsTest {

    @Test
    void the_rate_bar_is_thirty_times_the_checkers_own_echo_and_never_under_the_floor() throws Exception {
        assertThat(Checker.Rate.bar(1)).isEqualTo(Checker.Rate.FLOOR_MS);
        assertThat(Checker.Rate.bar(100)).isEqualTo(100 * Checker.Rate.TIMES);
        long yardstick = Checker.Rate.yardstickNanos(new byte[1 << 20], 2);
        assertThat(yardstick).isPositive().isLessThan(TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void a_first_echo_taken_for_slow_gets_a_second_chance_on_the_same_connection() throws Exception {
        // A prompt server, with a first echo said to have taken 10 s: the second, prompt, passes.
        assertThat(rate(false)).isNull();
    }

    @Test
    void a_server_that_echoes_every_byte_slowly_fails_the_rate_and_says_so() throws Exception {
        String problem = rate(true);
        assertThat(problem).startsWith("expected: 1 MiB echoed within").contains("a byte or a few per system call");
    }

    /** Stage 3's rate check against a server in this JVM that echoes promptly, or 4 KiB per 20 ms (1 MiB in 5 s). */
    private static String rate(boolean slow) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            Thread server = Thread.ofPlatform().daemon().start(() -> {
                try (Socket c = listener.accept()) {
                    InputStream in = c.getInputStream();
                    OutputStream out = c.getOutputStream();
                    byte[] buffer = new byte[slow ? 4096 : 65536];
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        out.write(buffer, 0, n);
                        if (slow) {
                            Thread.sleep(20); // the point: a server this slow is what the rate check must fail
                        }
                    }
                } catch (IOException | InterruptedException ended) { // the stage is over
                }
            });
            byte[] message = new byte[1 << 20];
            Wire.Stage stage = new Wire.Stage("rate", "why", s -> Checker.Rate.atLeastAnEchos(s, s.connect(Duration.ofSeconds(5)), message,
                    TimeUnit.SECONDS.toNanos(10)));
            String problem = Wire.check(stage, (InetSocketAddress) listener.getLocalSocketAddress(), 1);
            server.join(10_000);
            return problem;
        }
    }
}
