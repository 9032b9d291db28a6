package sockets.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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

/** Smoke tests: the programs as a user runs them, and the server against nc and Python. */
@Timeout(60)
class ProgramsTest {

    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static String classes() throws URISyntaxException {
        return Path.of(SelectEchoServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @Test
    void server_prints_its_port_echoes_and_exits_0_on_SIGTERM() throws Exception {
        Process server = new ProcessBuilder(java(), "-cp", classes(), "sockets.select.SelectEchoServer", "--port", "0").start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertThat(first).isNotNull().matches(LISTENING);
            Matcher m = LISTENING.matcher(first);
            assertThat(m.matches()).isTrue();
            int port = Integer.parseInt(m.group(1));

            assertThat(client("--port", port, "hello", "selector")).startsWith("0|hello selector\n|waited through a 500 ms pause with select:");

            assertThat(server.toHandle().destroy()).isTrue(); // SIGTERM
            List<String> rest = CompletableFuture.supplyAsync(() -> out.lines().toList()).get(30, TimeUnit.SECONDS);
            assertThat(rest).contains("stopped");
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(server.exitValue()).isZero();
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void server_rejects_a_bad_port_with_one_line_and_status_2() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = SelectEchoServer.run(new String[] {"--port", "abc"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("SelectEchoServer: --port must be a whole number from 0 to 65535, not 'abc'\nusage:")
                .doesNotContain("Exception");
    }

    @Test
    void client_reports_a_refused_connection_in_one_line_with_status_1() throws Exception {
        int closedPort;
        try (var s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        assertThat(client("--port", closedPort, "x")).startsWith("1||SelectClient: cannot connect to 127.0.0.1:" + closedPort)
                .doesNotContain("Exception");
    }

    @Test
    @EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "uses nc and python3 as a learner on Unix would")
    void server_answers_nc_and_a_plain_python_client() throws Exception {
        try (RunningSelectServer server = RunningSelectServer.start()) {
            String port = String.valueOf(server.address().getPort());
            assumeTrue(hasOpenBsdNetcat(), "needs nc with -N (Debian: apt-get install netcat-openbsd)");
            Process nc = new ProcessBuilder("nc", "-N", "127.0.0.1", port).start();
            nc.getOutputStream().write("hello from nc\n".getBytes(StandardCharsets.UTF_8));
            nc.getOutputStream().close();
            assertThat(new String(nc.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello from nc\n");
            assertThat(nc.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assumeTrue(hasCommand("python3", "--version"), "needs python3");
            String script = """
                    import socket, sys, threading
                    payload = bytes(range(256)) * 4096
                    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
                    def send():
                        s.sendall(payload); s.shutdown(socket.SHUT_WR)
                    t = threading.Thread(target=send); t.start()
                    got = bytearray()
                    while chunk := s.recv(65536):
                        got += chunk
                    t.join()
                    print("ok" if bytes(got) == payload else "mismatch %d" % len(got))
                    """;
            Process python = new ProcessBuilder("python3", "-c", script, port).redirectErrorStream(true).start();
            assertThat(new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("ok\n");
            assertThat(python.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void demo_shows_the_lost_bytes_and_then_none_lost() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Demo.run(new PrintStream(out, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("The client got 8,388,608 of 8,388,608 bytes, checksum equal.");
        Matcher naive = Pattern.compile("The client got ([\\d,]+) of 8,388,608 bytes\\.").matcher(text);
        assertThat(naive.find()).isTrue();
        assertThat(Long.parseLong(naive.group(1).replace(",", ""))).isLessThan(8L << 20);
    }

    static String client(Object... args) {
        List<String> argv = new ArrayList<>();
        for (Object a : args) {
            argv.add(String.valueOf(a));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = SelectClient.run(argv.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
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

    static boolean hasCommand(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException notInstalled) {
            return false;
        }
    }
}
