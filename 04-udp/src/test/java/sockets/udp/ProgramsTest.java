package sockets.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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

/** Smoke tests: the programs as a user runs them, and the server against the seed's own Python sender. */
@Timeout(60)
class ProgramsTest {

    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static String classes() throws URISyntaxException {
        return Path.of(UdpServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @Test
    void server_prints_its_port_answers_reports_an_oversized_datagram_and_exits_0_on_SIGTERM() throws Exception {
        Process server = new ProcessBuilder(java(), "-cp", classes(), "sockets.udp.UdpServer", "--port", "0").start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertThat(first).isNotNull().matches(LISTENING);
            Matcher m = LISTENING.matcher(first);
            assertThat(m.matches()).isTrue();
            int port = Integer.parseInt(m.group(1));

            assertThat(run(UdpClient::run, "--port", port, "hello", "udp")).isEqualTo("0|Got your message!\n|");
            try (DatagramSocket s = new DatagramSocket()) {
                s.send(new DatagramPacket(new byte[9000], 9000, new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
            }
            assertThat(out.readLine()).matches("127\\.0\\.0\\.1:\\d+: \\d+ bytes: #\\d+ hello udp");
            assertThat(out.readLine()).endsWith(": datagram larger than 8192 bytes; dropped, not processed cut short");

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
    void the_seeds_python_sender_gets_the_seeds_answer() throws Exception {
        assumeTrue(hasCommand("python3", "--version"), "needs python3");
        try (RunningUdpServer server = new RunningUdpServer(false)) {
            // The seed's sender, in Python 3, plus the receive it needs to see the answer.
            String script = """
                    import socket, sys
                    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                    s.settimeout(10)
                    s.sendto("Hello you there!".encode("utf-8"), ("127.0.0.1", int(sys.argv[1])))
                    print(s.recvfrom(8192)[0].decode())
                    s.close()
                    """;
            Process python = new ProcessBuilder("python3", "-c", script, String.valueOf(server.address().getPort()))
                    .redirectErrorStream(true).start();
            assertThat(new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("Got your message!\n");
            assertThat(python.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(server.log()).contains(": 16 bytes: Hello you there!");
        }
    }

    @Test
    void client_says_clearly_when_nothing_answers() throws Exception {
        int closedPort;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        assertThat(run(UdpClient::run, "--port", closedPort, "--retries", "0", "--timeout", "0.5", "anyone?"))
                .startsWith("1||UdpClient: nothing is listening on UDP 127.0.0.1:" + closedPort)
                .doesNotContain("Exception");
        assertThat(run(UdpClient::run, "--retries", "x", "hi")).startsWith("2||UdpClient: --retries must be a whole number");
        assertThat(run(UdpServer::run, "--echo=yes")).startsWith("2||UdpServer: --echo takes no value");
    }

    @Test
    void send_and_receive_programs_pass_a_datagram_and_report_an_oversized_one() throws Exception {
        int port;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        java.util.concurrent.CountDownLatch listening = new java.util.concurrent.CountDownLatch(1);
        PrintStream receiverOut = new PrintStream(received, true, StandardCharsets.UTF_8) {
            @Override
            public void println(String line) {
                super.println(line);
                if (line.startsWith("listening on")) {
                    listening.countDown(); // bound: datagrams sent from now on are received
                }
            }
        };
        int p = port;
        CompletableFuture<Integer> receiver = CompletableFuture.supplyAsync(() -> UdpReceive.run(
                new String[] {"--port", String.valueOf(p), "--count", "2", "--max-datagram", "100"},
                receiverOut, new PrintStream(new ByteArrayOutputStream())));
        assertThat(listening.await(30, TimeUnit.SECONDS)).isTrue();

        assertThat(run(UdpSend::run, "--port", port, "Hello", "you", "there!")).startsWith("0|sent 16 bytes");
        assertThat(run(UdpSend::run, "--port", port, "x".repeat(150))).startsWith("0|sent 150 bytes");

        assertThat(receiver.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(received.toString(StandardCharsets.UTF_8))
                .contains(": Hello you there!\n")
                .contains(": datagram larger than 100 bytes (it would have been cut short)");
    }

    @Test
    void demo_shows_the_cut_datagram_and_the_retry() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Demo.run(new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("receive() into 8,192 returned 8,192 bytes and no error. 808 bytes are gone.")
                .contains("tooLarge = true")
                .contains("on try 2; the server processed the request 1 time(s)");
    }

    interface Program {
        int run(String[] args, PrintStream out, PrintStream err);
    }

    static String run(Program program, Object... args) {
        List<String> argv = new ArrayList<>();
        for (Object a : args) {
            argv.add(String.valueOf(a));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = program.run(argv.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return status + "|" + out.toString(StandardCharsets.UTF_8) + "|" + err.toString(StandardCharsets.UTF_8);
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
