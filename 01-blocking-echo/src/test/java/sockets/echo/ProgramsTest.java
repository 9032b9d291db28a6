package sockets.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Smoke tests: the programs as a user runs them, as separate processes where the exit status or
 * a signal matters, and against the ordinary peers a learner would use (nc, Python).
 */
@Timeout(60)
class ProgramsTest {

    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

    /** A program started as its own process, as {@code java -cp ... CLASS ARGS} or from source. */
    static final class Program implements AutoCloseable {
        final Process process;
        final BufferedReader stdout;

        Program(List<String> command) throws IOException {
            process = new ProcessBuilder(command).redirectErrorStream(false).start();
            stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        static Program java(String... args) throws IOException {
            List<String> command = new ArrayList<>(List.of(javaBinary(), "-cp", mainClasses()));
            command.addAll(List.of(args));
            return new Program(command);
        }

        int awaitListeningPort() throws IOException {
            String first = stdout.readLine();
            assertThat(first).as("first line of output").isNotNull().matches(LISTENING);
            Matcher m = LISTENING.matcher(first);
            assertThat(m.matches()).isTrue();
            return Integer.parseInt(m.group(1));
        }

        /** The rest of standard output, once the process has closed it. */
        List<String> remainingOutput() throws Exception {
            return CompletableFuture.supplyAsync(() -> stdout.lines().toList()).get(30, TimeUnit.SECONDS);
        }

        String stderr() throws IOException {
            return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        }

        int exitStatus() throws InterruptedException {
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("process ended").isTrue();
            return process.exitValue();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    static String mainClasses() {
        try {
            return Path.of(EchoServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Nested
    class Server {

        @Test
        void prints_its_port_serves_clients_one_after_another_and_exits_0_on_SIGTERM() throws Exception {
            try (Program server = Program.java("sockets.echo.EchoServer", "--port", "0")) {
                int port = server.awaitListeningPort();

                assertThat(client("--port", port, "hello", "world")).isEqualTo("0|hello world\n|");
                assertThat(client("--port", port, "second", "client")).isEqualTo("0|second client\n|");

                // SIGTERM, through the handle: Process.destroy() would also close our end of the pipes.
                assertThat(server.process.toHandle().destroy()).isTrue();
                assertThat(server.remainingOutput()).contains("stopped");
                assertThat(server.exitStatus()).isZero();
            }
        }

        @Test
        void rejects_a_bad_port_with_one_line_and_status_2() throws Exception {
            try (Program server = Program.java("sockets.echo.EchoServer", "--port", "abc")) {
                assertThat(server.exitStatus()).isEqualTo(2);
                String err = server.stderr();
                assertThat(err).startsWith("EchoServer: --port must be a whole number from 0 to 65535, not 'abc'\nusage:")
                        .doesNotContain("Exception").doesNotContain("\tat ");
            }
        }

        @Test
        void says_the_port_is_taken_in_one_line_and_returns_1() throws Exception {
            try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                int status = EchoServer.run(new String[] {"--port", String.valueOf(taken.getLocalPort())},
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));

                assertThat(status).isEqualTo(1);
                assertThat(err.toString(StandardCharsets.UTF_8))
                        .startsWith("EchoServer: cannot listen on 127.0.0.1:" + taken.getLocalPort())
                        .contains("in use", "--port 0")
                        .hasLineCount(1);
            }
        }

        @Test
        void help_prints_usage_and_returns_0() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int status = EchoServer.run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            assertThat(status).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("usage: EchoServer");
        }

        @Test
        void runs_straight_from_source_with_the_jdk_alone() throws Exception {
            Path source = Path.of("src/main/java/sockets/echo/EchoServer.java");
            assumeTrue(Files.exists(source), "run from the module directory, as Maven does");
            try (Program server = new Program(List.of(javaBinary(), source.toString(), "--port", "0"))) {
                int port = server.awaitListeningPort();
                assertThat(client("--port", port, "from", "source")).isEqualTo("0|from source\n|");
            }
        }
    }

    @Nested
    class Client {

        @Test
        void streams_1_MiB_from_standard_input_and_prints_exactly_the_echo() throws Exception {
            byte[] input = ReadingTheWholeReplyTest.random(1 << 20);
            try (RunningEchoServer server = RunningEchoServer.start()) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                int status = EchoClient.run(new String[] {"--port", String.valueOf(server.port())},
                        new ByteArrayInputStream(input), new PrintStream(out, true),
                        new PrintStream(new ByteArrayOutputStream(), true));

                assertThat(status).isZero();
                assertThat(out.toByteArray()).isEqualTo(input);
            }
        }

        @Test
        void rejects_bad_arguments_with_status_2() {
            assertThat(client("--port", "abc", "x")).startsWith("2||EchoClient: --port must be a whole number");
            assertThat(client("--colour", "x")).startsWith("2||EchoClient: unknown option --colour");
        }
    }

    @Nested
    @EnabledOnOs(value = {OS.LINUX, OS.MAC}, disabledReason = "uses nc and python3 as a learner on Unix would")
    class OrdinaryPeers {

        @Test
        void answers_nc_byte_for_byte() throws Exception {
            assumeTrue(hasOpenBsdNetcat(), "needs nc with -N (Debian: apt-get install netcat-openbsd)");
            try (RunningEchoServer server = RunningEchoServer.start()) {
                Process nc = new ProcessBuilder("nc", "-N", "127.0.0.1", String.valueOf(server.port())).start();
                nc.getOutputStream().write("hello from nc\n".getBytes(StandardCharsets.UTF_8));
                nc.getOutputStream().close(); // -N: half-close on end of input, so the server finishes
                String echo = new String(nc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

                assertThat(nc.waitFor(20, TimeUnit.SECONDS)).isTrue();
                assertThat(echo).isEqualTo("hello from nc\n");
            }
        }

        @Test
        void answers_a_plain_python_client_sending_1_MiB_in_one_sendall() throws Exception {
            assumeTrue(hasCommand("python3", "--version"), "needs python3");
            Path script = Path.of(ProgramsTest.class.getResource("echo_client.py").toURI());
            try (RunningEchoServer server = RunningEchoServer.start()) {
                Process python = new ProcessBuilder("python3", script.toString(),
                        String.valueOf(server.port()), String.valueOf(1 << 20)).redirectErrorStream(true).start();
                String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

                assertThat(python.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(out).isEqualTo("ok 1048576\n");
                assertThat(python.exitValue()).isZero();
            }
        }
    }

    /** Runs EchoClient in this JVM; returns "status|stdout|stderr". */
    static String client(Object... args) {
        String[] argv = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            argv[i] = String.valueOf(args[i]);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = EchoClient.run(argv, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return status + "|" + out.toString(StandardCharsets.UTF_8) + "|" + err.toString(StandardCharsets.UTF_8);
    }

    static boolean hasOpenBsdNetcat() {
        try {
            Process p = new ProcessBuilder("nc", "-h").redirectErrorStream(true).start();
            CompletableFuture<String> help = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "";
                }
            });
            p.waitFor(10, TimeUnit.SECONDS);
            return help.get(10, TimeUnit.SECONDS).contains("-N");
        } catch (Exception notInstalled) {
            return false;
        }
    }

    static boolean hasCommand(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception notInstalled) {
            return false;
        }
    }
}
