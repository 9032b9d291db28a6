package sockets.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The checker's CPU yardstick (its last stage): it finds a UDP server's process by the port its
 * socket is bound to, and tells one that sleeps from one that spins by comparing it with a thread
 * that spins for the same time. A spinning process measures about 1 and a sleeping one about 0
 * whatever the machine's load, so the bounds here (above a half, below a quarter) leave room on both sides.
 */
@Timeout(60)
class ServerCpuTest {

    private static final boolean LINUX = Files.isReadable(Path.of("/proc/net/udp"));

    @Test
    void a_process_that_spins_measures_about_as_much_as_the_yardstick_and_one_that_sleeps_about_nothing() throws Exception {
        assumeTrue(LINUX, "needs /proc");
        Process spinning = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
        Process sleeping = new ProcessBuilder("sleep", "30").start();
        try {
            ServerCpu.Reading busy = ServerCpu.measure(new ServerCpu.Found(List.of(spinning.pid()), null), Duration.ofMillis(200),
                    Duration.ofSeconds(10));
            ServerCpu.Reading idle = ServerCpu.measure(new ServerCpu.Found(List.of(sleeping.pid()), null), Duration.ofMillis(200),
                    Duration.ofSeconds(10));
            assertThat(busy.ratio()).as(busy.describe()).isGreaterThan(0.5);
            assertThat(idle.ratio()).as(idle.describe()).isLessThan(0.25);
            assertThat(busy.spinnerNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
        } finally {
            spinning.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            sleeping.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        assertThat(new ServerCpu.Found(List.of(spinning.pid()), null).cpuNanos()).as("a process that has ended").isEqualTo(-1);
    }

    @Test
    void a_udp_socket_in_another_process_is_found_by_its_port() throws Exception {
        assumeTrue(LINUX, "needs /proc");
        assumeTrue(new ProcessBuilder("python3", "--version").start().waitFor() == 0, "needs python3");
        Process holder = new ProcessBuilder("python3", "-u", "-c", "import socket, time\n"
                + "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\ns.bind(('127.0.0.1', 0))\n"
                + "print(s.getsockname()[1], flush=True)\ntime.sleep(30)").start();
        try {
            int port = Integer.parseInt(new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.US_ASCII)).readLine());
            ServerCpu.Found found = ServerCpu.find(port);
            assertThat(found.whyNot()).isNull();
            assertThat(found.pids()).containsExactly(holder.pid());
            assertThat(found.what()).isEqualTo("process " + holder.pid());
            assertThat(found.cpuNanos()).isGreaterThanOrEqualTo(0);
        } finally {
            holder.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void a_socket_in_this_jvm_is_found_and_refused_and_a_free_port_is_not_found() throws Exception {
        assumeTrue(LINUX, "needs /proc");
        int port;
        try (DatagramSocket mine = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            port = mine.getLocalPort();
            assertThat(ServerCpu.boundInodes(port)).hasSize(1);
            assertThat(ServerCpu.find(port).whyNot()).contains("own JVM");
            assertThat(ServerCpu.find(port).pids()).isEmpty();
        }
        assertThat(ServerCpu.find(port).whyNot()).contains("no UDP socket bound to port " + port);
    }
}
