package sockets.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The short way to run a program, {@code NN-lesson/run PROGRAM ARGS}, behaves like the program: it
 * is the JVM itself (no wrapper process left behind), its exit status comes through unchanged, it
 * prints no stack trace for a user's mistake, and a server it started stops on SIGTERM or SIGINT
 * with status 0 and leaves its port free.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RunScriptTest {

    private static final Pattern RUN_COMMAND = Pattern.compile("(0[1-7]-[a-z-]+)/run(?: (?!-)([A-Za-z]\\w*))?(?: ([a-z][a-z0-9-]*))?");

    @ParameterizedTest(name = "{0}/run {1}, stopped by SIG{3}")
    @CsvSource({
        "01-blocking-echo, EchoServer, '', TERM, tcp",
        "02-framing, FramingServer, '', INT, tcp",
        "03-select-server, SelectEchoServer, '', TERM, tcp",
        "04-udp, UdpServer, '', INT, udp",
        "05-threaded-server, ClientListServer, '', TERM, tcp",
        "07-shutdown-and-failure, HalfCloseServer, '', INT, tcp",
        "07-shutdown-and-failure, FaultProxy, '--target 127.0.0.1:9', TERM, tcp",
    })
    void a_server_started_with_run_is_the_jvm_itself_and_stops_cleanly_on_a_signal(
            String lesson, String program, String extra, String signal, String transport) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs a Unix shell");
        // A process started with a signal ignored (nohup, or a background job of a script) passes
        // that on to every child, and the JVM then leaves it ignored: no SIGINT could reach the server.
        assumeTrue(!ignoredHere(signal), () -> "this build was started with SIG" + signal + " ignored (nohup, or '&' in a script),"
                + " so every process it starts ignores it too; run the build in the foreground to test SIG" + signal);
        List<String> command = new ArrayList<>(List.of(lesson + "/run", program, "--port", "0"));
        if (!extra.isBlank()) {
            command.addAll(List.of(extra.split(" ")));
        }
        Process server = start(command);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine(); // bounded by the class timeout, which can end this read
            assertThat(first).startsWith("listening on 127.0.0.1:");
            int port = Integer.parseInt(first.substring(first.lastIndexOf(':') + 1));

            // exec replaced the script: the process is java, with no child and no parent script.
            assertThat(server.info().command()).hasValueSatisfying(c -> assertThat(c).endsWith("/bin/java"));
            assertThat(server.descendants().count()).isZero();

            signal(server, signal);
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
            assertThat(server.exitValue()).isZero();
            assertThat(out.readLine()).isEqualTo("stopped");
            assertThat(portIsFree(port, transport)).as("port %d is free again", port).isTrue();
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void a_bad_argument_exits_2_with_one_line_and_the_usage_and_no_stack_trace() throws Exception {
        Result r = runToEnd("01-blocking-echo/run", "EchoServer", "--port", "abc");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err().lines().findFirst()).hasValue(
                "EchoServer: --port must be a whole number from 0 to 65535, not 'abc'");
        assertThat(r.err()).contains("usage: EchoServer").doesNotContain("\tat ", "Exception");
    }

    @Test
    void an_expected_failure_exits_1_with_one_clear_line() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort(); // nothing listens here once it is closed
        }
        Result r = runToEnd("01-blocking-echo/run", "EchoClient", "--port", String.valueOf(closedPort), "hello");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("EchoClient: cannot connect to 127.0.0.1:" + closedPort)
                .doesNotContain("\n", "\tat ");
    }

    @Test
    void a_server_whose_port_is_taken_says_so_and_exits_1() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Result r = runToEnd("03-select-server/run", "SelectEchoServer", "--port", String.valueOf(taken.getLocalPort()));
            assertThat(r.status()).isEqualTo(1);
            assertThat(r.err()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort(), "in use", "--port 0")
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void an_unknown_program_exits_2_and_lists_the_lesson_programs() throws Exception {
        Result r = runToEnd("02-framing/run", "NoSuchProgram");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("has no program 'NoSuchProgram'", "FramingServer", "FramingClient", "Demo");
    }

    @Test
    void every_run_command_in_the_markdown_names_a_program_of_that_lesson() {
        List<String> problems = new ArrayList<>();
        int commands = 0;
        for (Path md : Repository.markdownFiles()) {
            Matcher m = RUN_COMMAND.matcher(Repository.read(md));
            while (m.find()) {
                commands++;
                String program = m.group(2) == null ? "Demo" : m.group(2);
                Path lesson = Repository.root().resolve(m.group(1));
                if (!Files.isExecutable(lesson.resolve("run"))) {
                    problems.add(Repository.relative(md) + ": " + m.group() + ": no such lesson script");
                    continue;
                }
                if (program.equals("exercise")) { // the exercise runner: the name after it must be an exercise there
                    String name = m.group(3);
                    if (name != null && !Files.isRegularFile(lesson.resolve("src/test/resources/exercises/" + name + ".txt"))) {
                        problems.add(Repository.relative(md) + ": " + m.group() + ": " + name + " is no exercise there");
                    }
                    continue;
                }
                try (var sources = Files.walk(lesson.resolve("src/main/java"))) {
                    boolean found = sources.anyMatch(p -> p.getFileName().toString().equals(program + ".java")
                            && Repository.read(p).contains("static void main("));
                    if (!found) {
                        problems.add(Repository.relative(md) + ": " + m.group() + ": " + program + " is no program there");
                    }
                } catch (IOException e) {
                    problems.add(Repository.relative(md) + ": " + e);
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(commands).as("run commands found in the Markdown").isGreaterThan(20);
    }

    private record Result(int status, String out, String err) {
    }

    private static Process start(List<String> command) throws IOException {
        return new ProcessBuilder(command).directory(Repository.root().toFile()).redirectErrorStream(false).start();
    }

    private static Result runToEnd(String... command) throws Exception {
        Process p = start(List.of(command));
        p.getOutputStream().close();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s ended", String.join(" ", command)).isTrue();
        // A lesson whose sources changed since its last build is built first; that note is not the program's.
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)
                .replaceAll("(?m)^run: building .*\\R", "");
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8), err);
    }

    /** Whether this JVM inherited {@code name} as ignored (Linux: the SigIgn mask of /proc/self/status). */
    private static boolean ignoredHere(String name) throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return false;
        }
        int number = name.equals("INT") ? 2 : name.equals("TERM") ? 15 : 1;
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).strip(), 16) >> (number - 1) & 1) == 1;
            }
        }
        return false;
    }

    private static void signal(Process p, String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(p.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -%s", name).isTrue();
    }

    private static boolean portIsFree(int port, String transport) {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try {
            if (transport.equals("udp")) {
                new DatagramSocket(address).close();
            } else {
                try (ServerSocket s = new ServerSocket()) {
                    s.bind(address);
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
