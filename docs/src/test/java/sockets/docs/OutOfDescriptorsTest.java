package sockets.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Out of file descriptors (E-03), for every server that serves many clients at once: started with
 * {@code ulimit -n 64} and hit by 80 clients, {@code accept} fails with "Too many open files". A
 * server that only logs and retries spins at 100% of a core and floods its log; one whose loop ends
 * on the error dies. Each of these backs off instead, stays up, and serves again once the clients
 * have gone. The server runs as a real process through its lesson's {@code run} script.
 */
@Tag("fix")
class OutOfDescriptorsTest {

    private static final int CLIENTS = 80;
    private static final long WINDOW_SECONDS = 1;

    // The four servers are separate processes with separate ports: they run side by side (the
    // build enables JUnit's parallel mode, but runs everything else one test at a time).
    @org.junit.jupiter.api.parallel.Execution(org.junit.jupiter.api.parallel.ExecutionMode.CONCURRENT)
    @ParameterizedTest(name = "{1}")
    @CsvSource({
        "02-framing, FramingServer",
        "03-select-server, SelectEchoServer",
        "05-threaded-server, ClientListServer",
        "07-shutdown-and-failure, HalfCloseServer",
    })
    void with_64_descriptors_and_80_clients_the_server_stays_up_stays_idle_and_serves_again(String lesson, String program)
            throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "reads a process's CPU time from /proc (Linux)");
        // Once without the limit, so that a lesson changed since its last build is built now:
        // Maven itself would not get far with 64 descriptors.
        Process help = new ProcessBuilder(lesson + "/run", program, "--help").directory(Repository.root().toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(help.waitFor(120, TimeUnit.SECONDS) && help.exitValue() == 0).as("%s --help", program).isTrue();
        Process server = new ProcessBuilder("bash", "-c", "ulimit -n 64 && exec " + lesson + "/run " + program + " --port 0")
                .directory(Repository.root().toFile()).redirectErrorStream(true).start();
        List<Socket> clients = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine(); // bounded by the default test timeout, which can end this read
            assertThat(first).startsWith("listening on 127.0.0.1:");
            int port = Integer.parseInt(first.substring(first.lastIndexOf(':') + 1));
            AtomicInteger logLines = new AtomicInteger();
            java.util.Deque<String> recent = new java.util.concurrent.ConcurrentLinkedDeque<>();
            Thread.ofVirtual().start(() -> {
                try {
                    out.lines().forEach(line -> {
                        logLines.incrementAndGet();
                        recent.addLast(line);
                        if (recent.size() > 5) {
                            recent.pollFirst();
                        }
                    });
                } catch (java.io.UncheckedIOException ended) { // the test closed the stream: the log is over
                }
            });

            for (int i = 0; i < CLIENTS; i++) {
                Socket s = new Socket(InetAddress.getLoopbackAddress(), port); // the kernel completes it
                clients.add(s);
            }
            long cpuBefore = cpuTicks(server.pid());
            int linesBefore = logLines.get();
            // The one bounded wait: it proves the server does not exit during it.
            assertThat(server.waitFor(WINDOW_SECONDS, TimeUnit.SECONDS)).as("%s is still running", program).isFalse();
            long cpu = cpuTicks(server.pid()) - cpuBefore;
            int lines = logLines.get() - linesBefore;

            // Under a quarter of a core over the window (clock ticks are 1/100 s), and a quiet log.
            assertThat(cpu).as("CPU ticks in %d s", WINDOW_SECONDS).isLessThan(WINDOW_SECONDS * 100 / 4);
            assertThat(lines).as("log lines in %d s, ending %s", WINDOW_SECONDS, recent).isLessThan(500);

            for (Socket s : clients) {
                s.close();
            }
            clients.clear();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(20_000);
                boolean served;
                try {
                    served = exchange(program, s);
                } catch (IOException e) {
                    throw new AssertionError(program + " did not serve a newcomer: " + e + "; its log ends " + recent, e);
                }
                assertThat(served).as("%s serves a newcomer once descriptors are free; log ends %s", program, recent).isTrue();
            }
            server.destroy(); // SIGTERM
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(server.exitValue()).isZero();
        } finally {
            for (Socket s : clients) {
                s.close();
            }
            server.destroyForcibly();
        }
    }

    /** One request in the server's own protocol; true when the answer is right. */
    private static boolean exchange(String program, Socket s) throws IOException {
        byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
        switch (program) {
            case "FramingServer" -> {
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                out.writeInt(hello.length);
                out.write(hello);
                DataInputStream in = new DataInputStream(s.getInputStream());
                return in.readInt() == hello.length && new String(in.readNBytes(hello.length), StandardCharsets.US_ASCII)
                        .equals("hello");
            }
            case "SelectEchoServer" -> {
                s.getOutputStream().write(hello);
                return new String(s.getInputStream().readNBytes(hello.length), StandardCharsets.US_ASCII).equals("hello");
            }
            case "ClientListServer" -> {
                s.getOutputStream().write("newcomer\n".getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput();
                return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8).contains("\"newcomer\"");
            }
            default -> {
                s.getOutputStream().write(hello);
                s.shutdownOutput();
                return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).equals("HELLO");
            }
        }
    }

    /** User plus system CPU time of a process, in clock ticks, from /proc/PID/stat. */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readAllLines(Path.of("/proc/" + pid + "/stat")).getFirst();
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // fields 14 and 15 of the whole line
    }
}
