package sockets.threaded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import tools.jackson.databind.JsonNode;

/** Smoke tests: the programs as a user runs them, against nc and a plain Python client. */
@Timeout(60)
class ProgramsTest {

    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

    @Test
    @EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "uses nc and python3 as a learner on Unix would")
    void the_server_answers_nc_and_python_with_valid_json_and_exits_0_on_SIGTERM() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process server = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "sockets.threaded.ClientListServer", "--port", "0").start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertThat(first).isNotNull().matches(LISTENING);
            Matcher m = LISTENING.matcher(first);
            assertThat(m.matches()).isTrue();
            String port = m.group(1);

            assumeTrue(hasOpenBsdNetcat(), "needs nc with -N (Debian: apt-get install netcat-openbsd)");
            Process nc = new ProcessBuilder("sh", "-c", "printf 'alice\\n' | nc -N 127.0.0.1 " + port).start();
            JsonNode list = ClientListTest.JSON.readTree(nc.getInputStream().readAllBytes());
            assertThat(nc.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(list.get("alice").get("name").asString()).isEqualTo("alice");
            assumeTrue(hasCommand("python3", "--version"), "needs python3");
            String script = """
                    import json, socket, sys
                    port = int(sys.argv[1])
                    for i in range(50):
                        with socket.create_connection(("127.0.0.1", port)) as s:
                            s.sendall(("py-%02d-" % i + "y" * 54).encode())
                            s.shutdown(socket.SHUT_WR)
                            chunks = []
                            while chunk := s.recv(4096):
                                chunks.append(chunk)
                    data = json.loads(b"".join(chunks))
                    print(len(data), ("py-49-" + "y" * 54) in data)
                    """;
            Process python = new ProcessBuilder("python3", "-c", script, port).redirectErrorStream(true).start();
            String result = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(python.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(result).matches("5[01] True\\n");

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
    void the_client_prints_the_list_pretty_and_reports_refusals() throws Exception {
        try (ClientListTest.Running r = new ClientListTest.Running()) {
            String port = String.valueOf(r.server.localAddress().getPort());
            String out = client("--port", port, "--name", "alice");
            assertThat(out).startsWith("0|{\n").contains("\"alice\" : {");
            assertThat(client("--port", port)).startsWith("2||ClientListClient: --name is required");
        }
    }

    @Test
    void bad_server_arguments_get_one_line_and_status_2() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ClientListServer.run(new String[] {"--threads", "pool:x"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("ClientListServer: --threads must be virtual, platform or pool:N");
    }

    @Test
    void demo_shows_the_truncated_json_and_then_the_whole_list() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Demo.run(new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("Parsing them: \"Unexpected end-of-input")
                .contains("valid JSON with 52 entries, bob's included");
    }

    static String client(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ClientListClient.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
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
