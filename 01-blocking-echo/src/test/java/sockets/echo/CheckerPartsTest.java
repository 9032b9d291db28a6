package sockets.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import sockets.cli.Wire;

/**
 * The wire checker's own measuring parts, each against servers in this JVM or a child process:
 * the descriptor count of stage 4 and the rate yardstick of stage 3. (Stage 5's client that goes on
 * sending while the server reads on with its send buffer full is checked by CheckerTest against the
 * lesson's server, and by the catalogue against servers that keep, drop or cap what they owe.)
 */
class CheckerPartsTest {

    private static final String TABLE = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:1389 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0 100 0 0 10 0
               1: 0100007F:1389 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 4343 1 0 20 4 30 10 -1
               2: 0100007F:138A 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4444 1 0 100 0 0 10 0
               3: garbage
            """;

    @Test
    void the_listening_socket_of_a_port_is_found_in_a_proc_net_tcp_table_and_nothing_else() {
        assertThat(Checker.Descriptors.listening(TABLE, 0x1389)).containsExactly("4242");
        assertThat(Checker.Descriptors.listening(TABLE, 0x138A)).containsExactly("4444");
        assertThat(Checker.Descriptors.listening(TABLE, 0xD431)).isEmpty();
    }

    @Test
    void a_server_in_the_checkers_own_process_or_nowhere_is_not_counted_and_says_why() throws Exception {
        try (ServerSocket here = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Checker.Descriptors.Found found = Checker.Descriptors.find(here.getLocalPort());
            assertThat(found.pids()).isEmpty();
            assertThat(found.whyNot()).contains("inside the checker's own process");
        }
        int free;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            free = gone.getLocalPort();
        }
        assertThat(Checker.Descriptors.find(free).whyNot()).contains("no socket listening on port " + free);
    }

    @Test
    void the_count_is_a_processs_open_descriptors_and_settles_once_they_close() throws Exception {
        List<Long> self = List.of(ProcessHandle.current().pid());
        long before = Checker.Descriptors.count(self);
        assertThat(before).isPositive();
        try (ServerSocket one = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ServerSocket two = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(Checker.Descriptors.count(self)).isGreaterThanOrEqualTo(before + 2);
        }
        assertThat(Checker.Descriptors.count(List.of(Long.MAX_VALUE))).isEqualTo(-1);
        // Already within a few of the count before: no waiting. Far above it: the last count, after the wait.
        long start = System.nanoTime();
        assertThat(Checker.Descriptors.settle(self, Checker.Descriptors.count(self), Duration.ofSeconds(5))).isPositive();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        start = System.nanoTime();
        assertThat(Checker.Descriptors.settle(self, 0, Duration.ofMillis(100))).isGreaterThan(2);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
    }

    @Test
    void a_server_in_another_process_is_found_by_its_listening_port_and_its_descriptors_counted() throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("python3", "-c", "import socket, sys\n"
                    + "l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(8)\n"
                    + "print(l.getsockname()[1], flush=True); sys.stdin.read()").start();
        } catch (IOException noPython) {
            org.junit.jupiter.api.Assumptions.abort("no python3 here");
            return;
        }
        try {
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine();
            Checker.Descriptors.Found found = Checker.Descriptors.find(Integer.parseInt(line.strip()));
            assertThat(found.whyNot()).isNull();
            assertThat(found.pids()).containsExactly(p.pid());
            assertThat(found.what()).isEqualTo("process [" + p.pid() + "]");
            assertThat(Checker.Descriptors.count(found.pids())).isGreaterThanOrEqualTo(4); // stdin, stdout, stderr, the listener
        } finally {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void the_rate_bar_is_thirty_times_the_checkers_own_echo_and_never_under_the_floor() throws Exception {
        assertThat(Checker.Rate.bar(1)).isEqualTo(Checker.Rate.FLOOR_MS);
        assertThat(Checker.Rate.bar(100)).isEqualTo(100 * Checker.Rate.TIMES);
        long yardstick = Checker.Rate.yardstickNanos(new byte[1 << 20], 2);
        assertThat(yardstick).isPositive().isLessThan(TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void a_first_echo_taken_for_slow_gets_a_second_chance_on_the_same_connection() throws Exception {
        // A prompt server, with a first echo said to have taken 10 s: the second, prompt, passes.
        assertThat(rate(false)).isNull();
    }

    @Test
    void a_server_that_echoes_every_byte_slowly_fails_the_rate_and_says_so() throws Exception {
        String problem = rate(true);
        assertThat(problem).startsWith("expected: 1 MiB echoed within").contains("a byte or a few per system call");
    }

    /** Stage 3's rate check against a server in this JVM that echoes promptly, or 4 KiB per 20 ms (1 MiB in 5 s). */
    private static String rate(boolean slow) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            Thread server = Thread.ofPlatform().daemon().start(() -> {
                try (Socket c = listener.accept()) {
                    InputStream in = c.getInputStream();
                    OutputStream out = c.getOutputStream();
                    byte[] buffer = new byte[slow ? 4096 : 65536];
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        out.write(buffer, 0, n);
                        if (slow) {
                            Thread.sleep(20);
                        }
                    }
                } catch (IOException | InterruptedException ended) { // the stage is over
                }
            });
            byte[] message = new byte[1 << 20];
            Wire.Stage stage = new Wire.Stage("rate", "why", s -> Checker.Rate.atLeastAnEchos(s, s.connect(Duration.ofSeconds(5)), message,
                    TimeUnit.SECONDS.toNanos(10)));
            String problem = Wire.check(stage, (InetSocketAddress) listener.getLocalSocketAddress(), 1);
            server.join(10_000);
            return problem;
        }
    }
}
