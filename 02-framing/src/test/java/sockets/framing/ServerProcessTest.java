package sockets.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The checker's view of a server through /proc: socket queues, and the listening process's CPU, descriptors and memory (Linux only). */
class ServerProcessTest {

    @Test
    void the_queues_show_bytes_the_server_has_not_read_and_awaitRead_sees_them_read() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/net/tcp")), "Linux only");
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                Socket server = listener.accept()) {
            client.getOutputStream().write(new byte[100]);
            int port = listener.getLocalPort();
            int clientPort = client.getLocalPort();
            assertThat(ServerProcess.awaitRead(port, clientPort, Duration.ofMillis(200))).isFalse();
            ServerProcess.Queues q = ServerProcess.queues(port, clientPort);
            assertThat(q).isNotNull();
            assertThat(q.serverUnread()).isEqualTo(100);
            assertThat(q.total()).isEqualTo(100);
            assertThat(server.getInputStream().readNBytes(100)).hasSize(100);
            assertThat(ServerProcess.awaitRead(port, clientPort, Duration.ofSeconds(5))).isTrue();
            assertThat(ServerProcess.queues(port, clientPort + 1 == port ? clientPort + 2 : clientPort + 1)).isNull();
        }
    }

    @Test
    void a_server_in_this_jvm_or_nowhere_is_not_measured_and_says_why() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/net/tcp")), "Linux only");
        int free;
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ServerProcess.Found found = ServerProcess.find(listener.getLocalPort());
            assertThat(found.process()).isNull();
            assertThat(found.whyNot()).contains("checker's own JVM");
            free = listener.getLocalPort();
        }
        assertThat(ServerProcess.find(free).whyNot()).contains("no socket listening on port " + free);
    }

    @Test
    void a_server_process_is_found_by_its_port_and_an_idle_one_uses_little_cpu() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/net/tcp")), "Linux only");
        Process p;
        try {
            p = new ProcessBuilder("python3", "-c", "import socket, time\ns = socket.socket()\ns.bind(('127.0.0.1', 0))\ns.listen()\n"
                    + "print(s.getsockname()[1], flush=True)\ntime.sleep(60)").start();
        } catch (java.io.IOException e) {
            assumeTrue(false, "no python3 here");
            return;
        }
        try {
            int port = Integer.parseInt(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII)).readLine().strip());
            ServerProcess.Found found = ServerProcess.find(port);
            assertThat(found.whyNot()).isNull();
            assertThat(found.process().what()).isEqualTo("process " + p.pid());
            assertThat(found.process().descriptors()[1]).isGreaterThanOrEqualTo(1); // the listening socket
            assertThat(found.process().residentBytes()).isGreaterThan(1 << 20);
            assertThat(found.process().cpuNanos()).isGreaterThanOrEqualTo(0);
            ServerProcess.Cpu[] cpu = new ServerProcess.Cpu[1];
            assertThat(found.process().measureCpu(() -> {
                Thread.sleep(500); // a stretch of time to measure over, not a wait for a result
                return "measured";
            }, r -> cpu[0] = r)).isEqualTo("measured");
            assertThat(cpu[0].ratio()).isLessThan(0.5);
            assertThat(cpu[0].describe()).contains("a thread that spins");
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            assertThat(found.process().cpuNanos()).isEqualTo(-1);
            assertThat(found.process().descriptors()).isNull();
            assertThat(found.process().residentBytes()).isEqualTo(-1);
        } finally {
            p.destroyForcibly();
        }
    }
}
