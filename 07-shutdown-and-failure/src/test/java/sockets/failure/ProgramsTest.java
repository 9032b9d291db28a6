package sockets.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Smoke tests: the programs as a user runs them. */
@Timeout(60)
class ProgramsTest {

    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static String classes() throws URISyntaxException {
        return Path.of(HalfCloseServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private static int port(BufferedReader out) throws IOException {
        String first = out.readLine();
        assertThat(first).isNotNull().matches(LISTENING);
        Matcher m = LISTENING.matcher(first);
        assertThat(m.matches()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Test
    @EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "uses nc as a learner on Unix would")
    void the_server_answers_nc_with_a_half_close_and_exits_0_on_SIGTERM() throws Exception {
        Process server = new ProcessBuilder(java(), "-cp", classes(), "sockets.failure.HalfCloseServer", "--port", "0").start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            int port = port(out);
            assumeTrue(hasOpenBsdNetcat(), "needs nc with -N (Debian: apt-get install netcat-openbsd)");
            Process nc = new ProcessBuilder("nc", "-N", "127.0.0.1", String.valueOf(port)).start();
            nc.getOutputStream().write("hello".getBytes(StandardCharsets.UTF_8));
            nc.getOutputStream().close(); // -N turns the end of input into shutdown(SHUT_WR)
            assertThat(new String(nc.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("HELLO");
            assertThat(nc.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(server.toHandle().destroy()).isTrue();
            List<String> rest = CompletableFuture.supplyAsync(() -> out.lines().toList()).get(30, TimeUnit.SECONDS);
            assertThat(rest).contains("stopped");
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(server.exitValue()).isZero();
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void a_blackhole_proxy_makes_a_client_with_a_one_second_timeout_fail_in_about_a_second() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (HalfCloseServer server = HalfCloseServer.bind(new InetSocketAddress(loopback, 0), Duration.ofSeconds(10), 1024,
                new PrintStream(OutputStream.nullOutputStream()))) {
            Thread serving = Thread.ofPlatform().start(server::serve);
            Process proxy = new ProcessBuilder(java(), "-cp", classes(), "sockets.failure.FaultProxy", "--port", "0",
                    "--target", "127.0.0.1:" + server.localAddress().getPort(), "--mode", "blackhole").start();
            try {
                int port = port(new BufferedReader(new InputStreamReader(proxy.getInputStream(), StandardCharsets.UTF_8)));
                long start = System.nanoTime();
                String result = client("--port", String.valueOf(port), "--timeout", "1", "hello");
                long millis = (System.nanoTime() - start) / 1_000_000;

                assertThat(result).isEqualTo("1||HalfCloseClient: no complete answer from 127.0.0.1:" + port + " within 1000 ms\n");
                assertThat(millis).isBetween(1_000L, 10_000L);
            } finally {
                proxy.destroyForcibly();
                server.close();
                serving.join(5_000);
            }
        }
    }

    @Test
    void programs_reject_bad_arguments_with_one_line_and_status_2() {
        assertThat(client("--half-close", "maybe", "x")).startsWith("2||HalfCloseClient: --half-close must be yes or no");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(HalfCloseServer.run(new String[] {"--port", "abc"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("HalfCloseServer: --port must be a whole number").doesNotContain("Exception");
    }

    @Test
    void demo_shows_both_pitfalls_and_both_fixes() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Demo.run(new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("after 1 s the client gave up (SocketTimeoutException)")
                .contains("answers, and closes: \"HELLO\"")
                .contains("declared dead");
    }

    static String client(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = HalfCloseClient.run(args, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return status + "|" + out.toString(StandardCharsets.UTF_8) + "|" + err.toString(StandardCharsets.UTF_8);
    }

    static boolean hasOpenBsdNetcat() {
        try {
            Process p = new ProcessBuilder("nc", "-h").redirectErrorStream(true).start();
            String help = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return help.contains("-N");
        } catch (IOException | InterruptedException notInstalled) {
            return false;
        }
    }
}
