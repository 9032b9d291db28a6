package sockets.udp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import sockets.cli.Programs;
import sockets.cli.Wire;
import sockets.exercise.ServerStages;

/** The wire checker as a program: it passes the lesson's server, in well under 15 s, and refuses a bad target. */
class CheckerTest {

    private static final PrintStream QUIET = new PrintStream(java.io.OutputStream.nullOutputStream());

    static Programs.Server lessonServer() throws Exception {
        return UdpServer.bind(anyPort(), false, 8192, QUIET);
    }

    @Test
    void the_checker_passes_the_lessons_server_with_every_stage_in_under_15_seconds() throws Exception {
        ServerStages.checkerPasses(lessonServer(), Checker.stages());
    }

    /** With --echo the answers carry the requests, so a duplicate processed twice, or a datagram cut short, would show. */
    @Test
    void the_checker_passes_the_lessons_server_in_echo_mode_too() throws Exception {
        ServerStages.checkerPasses(UdpServer.bind(anyPort(), true, 8192, QUIET), Checker.stages());
    }

    /** A server whose buffer is smaller than the 1,500-byte datagram drops it, reported: that passes too. */
    @Test
    void the_checker_passes_the_lessons_server_with_a_1024_byte_limit() throws Exception {
        ServerStages.checkerPasses(UdpServer.bind(anyPort(), true, 1024, QUIET), Checker.stages());
    }

    /** With the limit known (--max N), stage 5 also sends exactly N bytes (answered) and N + 1 (dropped): the lesson's server keeps both. */
    @Test
    void the_checker_with_a_known_limit_passes_the_lessons_server_at_8192_and_at_1024() throws Exception {
        ServerStages.checkerPasses(UdpServer.bind(anyPort(), false, 8192, QUIET), Checker.stages(8192));
        ServerStages.checkerPasses(UdpServer.bind(anyPort(), true, 1024, QUIET), Checker.stages(1024));
    }

    @Test
    void a_target_that_is_not_host_and_port_is_a_usage_error_and_nothing_listening_fails_every_stage() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(Wire.main("Checker", "", new String[] {"localhost"}, Checker.stages(), QUIET,
                new PrintStream(err, true, StandardCharsets.UTF_8))).isEqualTo(Programs.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("not HOST:PORT");
        assertThat(Wire.main("Checker", "", new String[] {"--port", "0"}, Checker.stages(), QUIET, QUIET)).isEqualTo(Programs.EXIT_USAGE);
    }

    static InetSocketAddress anyPort() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }
}
