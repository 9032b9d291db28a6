package sockets.threaded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import sockets.cli.Programs;
import sockets.cli.Wire;
import sockets.exercise.ServerStages;

/** The wire checker as a program: it passes the lesson's server, in well under 15 s, and refuses a bad target. */
class CheckerTest {

    private static final PrintStream QUIET = new PrintStream(java.io.OutputStream.nullOutputStream());

    static Programs.Server lessonServer() throws Exception {
        return ClientListServer.bind(anyPort(), "virtual", Duration.ofSeconds(10), 1000, QUIET);
    }

    @Test
    void the_checker_passes_the_lessons_server_with_every_stage_in_under_15_seconds() throws Exception {
        ServerStages.checkerPasses(lessonServer(), Checker.stages());
    }

    @Test
    void a_target_that_is_not_host_and_port_is_a_usage_error_and_nothing_listening_fails_every_stage() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(Wire.main("Checker", "", new String[] {"localhost"}, Checker.stages(), QUIET,
                new PrintStream(err, true, StandardCharsets.UTF_8))).isEqualTo(Programs.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("not HOST:PORT");
        assertThat(Wire.main("Checker", "", new String[] {"--port", "0"}, Checker.stages(), QUIET, QUIET)).isEqualTo(Programs.EXIT_USAGE);
    }

    /**
     * A client-list server assembled from the lesson's naive pieces: the name is one read
     * ({@link NaiveClientList#readName}, BUG-38), and the answer is the live map written out.
     */
    @Test
    void the_checker_fails_a_server_built_from_the_naive_pieces_where_the_name_comes_in_pieces() throws Exception {
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            java.util.Map<String, String> live = new java.util.concurrent.ConcurrentHashMap<>();
            Thread.ofVirtual().start(() -> {
                while (!listener.isClosed()) {
                    try {
                        java.net.Socket client = listener.accept();
                        Thread.ofVirtual().start(() -> {
                            try (client) {
                                String name = NaiveClientList.readName(client.getInputStream());
                                live.put(name, client.getInetAddress().getHostAddress());
                                client.getOutputStream().write(NaiveClientList.toJson(live, () -> { }).getBytes(StandardCharsets.UTF_8));
                            } catch (java.io.IOException ignored) { // the checker sees what it sees
                            }
                        });
                    } catch (java.io.IOException closed) {
                        return;
                    }
                }
            });
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int status = Wire.main("Checker", "", new String[] {"127.0.0.1:" + listener.getLocalPort(), "--seed", "1"},
                    Checker.stages(), new PrintStream(out, true, StandardCharsets.UTF_8), QUIET);
            String report = out.toString(StandardCharsets.UTF_8);
            assertThat(status).isEqualTo(Programs.EXIT_FAILURE);
            assertThat(report).contains("[pass] 1.").contains("[FAIL] 3. a name sent in single-byte pieces")
                    .contains("[FAIL] 4. each entry");
        }
    }

    static InetSocketAddress anyPort() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }
}
