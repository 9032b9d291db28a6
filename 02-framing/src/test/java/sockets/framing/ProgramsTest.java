package sockets.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Smoke tests: the programs as a user runs them, and the server in line mode against nc. */
@Timeout(60)
class ProgramsTest {

    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static String classes() throws URISyntaxException {
        return Path.of(FramingServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private static int listeningPort(BufferedReader out) throws IOException {
        String first = out.readLine();
        assertThat(first).isNotNull().matches(LISTENING);
        Matcher m = LISTENING.matcher(first);
        assertThat(m.matches()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Test
    void server_prints_its_port_answers_the_client_and_exits_0_on_SIGTERM() throws Exception {
        Process server = new ProcessBuilder(java(), "-cp", classes(), "sockets.framing.FramingServer", "--port", "0").start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            int port = listeningPort(out);

            assertThat(client("--port", port, "hello", "two words")).isEqualTo("0|hello\ntwo words\n|");

            assertThat(server.toHandle().destroy()).isTrue(); // SIGTERM, without closing our pipes
            List<String> rest = CompletableFuture.supplyAsync(() -> out.lines().toList()).get(30, TimeUnit.SECONDS);
            assertThat(rest).contains("stopped");
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(server.exitValue()).isZero();
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void server_rejects_bad_arguments_with_one_line_and_status_2() throws Exception {
        Process server = new ProcessBuilder(java(), "-cp", classes(), "sockets.framing.FramingServer", "--port", "abc").start();
        String err = new String(server.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(server.exitValue()).isEqualTo(2);
        assertThat(err).startsWith("FramingServer: --port must be a whole number from 0 to 65535, not 'abc'\nusage:")
                .doesNotContain("Exception");

        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int status = FramingServer.run(new String[] {"--framing", "xml"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(2);
        assertThat(e.toString(StandardCharsets.UTF_8)).startsWith("FramingServer: --framing must be 'length' or 'line', not 'xml'");
    }

    @Test
    void server_runs_straight_from_source_with_the_jdk_alone() throws Exception {
        Path source = Path.of("src/main/java/sockets/framing/FramingServer.java");
        assumeTrue(Files.exists(source), "run from the module directory, as Maven does");
        Process server = new ProcessBuilder(java(), source.toString(), "--port", "0", "--framing", "line").start();
        try {
            int port = listeningPort(new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)));
            assertThat(client("--port", port, "--framing", "line", "from source")).isEqualTo("0|from source\n|");
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void client_sends_each_line_of_standard_input_as_a_message() throws Exception {
        try (RunningFramingServer server = RunningFramingServer.length()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int status = FramingClient.run(new String[] {"--port", String.valueOf(server.port())},
                    new ByteArrayInputStream("first\nsecond, é\n".getBytes(StandardCharsets.UTF_8)),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));
            assertThat(status).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("first\nsecond, é\n");
        }
    }

    @Test
    void client_reports_a_refused_connection_in_one_line_with_status_1() throws Exception {
        int closedPort;
        try (var s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        assertThat(client("--port", closedPort, "x")).startsWith("1||FramingClient: cannot connect to 127.0.0.1:" + closedPort)
                .doesNotContain("Exception");
    }

    @Test
    @EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "uses nc as a learner on Unix would")
    void line_mode_answers_nc() throws Exception {
        assumeTrue(hasOpenBsdNetcat(), "needs nc with -N (Debian: apt-get install netcat-openbsd)");
        try (RunningFramingServer server = new RunningFramingServer(FramingServer.Framing.LINE, 1 << 20, Duration.ofSeconds(30))) {
            Process nc = new ProcessBuilder("nc", "-N", "127.0.0.1", String.valueOf(server.port())).start();
            nc.getOutputStream().write("first line\nsecond line\n".getBytes(StandardCharsets.UTF_8));
            nc.getOutputStream().close();
            String echo = new String(nc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(nc.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(echo).isEqualTo("first line\nsecond line\n");
        }
    }

    @Test
    void demo_shows_the_split_prefix_misread_and_then_read_right() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Demo.run(new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("One read of the 5-digit prefix saw \"00\": a message of 0 bytes.")
                .contains("NumberFormatException")
                .contains("AsciiLengthReader got \"hello world!\" from the same two pieces.")
                .contains("the echo came back whole: \"one byte at a time\"")
                .contains("was answered: \"still served\"");
    }

    static String client(Object... args) {
        List<String> argv = new ArrayList<>();
        for (Object a : args) {
            argv.add(String.valueOf(a));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = FramingClient.run(argv.toArray(String[]::new), new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return status + "|" + out.toString(StandardCharsets.UTF_8) + "|" + err.toString(StandardCharsets.UTF_8);
    }

    static boolean hasOpenBsdNetcat() {
        try {
            Process p = new ProcessBuilder("nc", "-h").redirectErrorStream(true).start();
            String help = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return help.contains("-N");
        } catch (Exception notInstalled) {
            return false;
        }
    }
}
