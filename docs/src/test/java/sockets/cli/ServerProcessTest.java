package sockets.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The checkers' view of a server through /proc (the copies are byte-identical; see PlumbingTest):
 * a server found by its TCP or UDP port, or refused in this JVM or nowhere, with the reason; its
 * descriptors, memory, zombie children and CPU against a spinning yardstick (a spinning server
 * measures about 1 and a sleeping one about 0 whatever the load, so the bounds here, above a half
 * and below a quarter, leave room on both sides); and {@link Wire.Queues}, a connection's queues.
 * Linux only.
 */
@Timeout(60)
class ServerProcessTest {

    private static final boolean LINUX = Files.isReadable(Path.of("/proc/net/tcp"));

    private static final String TABLE = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:1389 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0 100 0 0 10 0
               1: 0100007F:1389 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 4343 1 0 20 4 30 10 -1
               2: 0100007F:138A 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4444 1 0 100 0 0 10 0
               3: garbage
            """;

    @Test
    void the_listening_socket_of_a_port_is_found_in_a_proc_net_tcp_table_and_nothing_else() {
        assertThat(ServerProcess.listening(TABLE, 0x1389)).containsExactly("4242");
        assertThat(ServerProcess.listening(TABLE, 0x138A)).containsExactly("4444");
        assertThat(ServerProcess.listening(TABLE, 0xD431)).isEmpty();
        assertThat(ServerProcess.bound(TABLE, 0x1389)).containsExactlyInAnyOrder("4242", "4343");
    }

    @Test
    void a_listener_or_udp_socket_in_this_jvm_or_none_at_all_is_not_measured_and_says_why() throws Exception {
        assumeTrue(LINUX, "needs /proc");
        int port;
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = listener.getLocalPort();
            ServerProcess.Found found = ServerProcess.find(port);
            assertThat(found.process()).isNull();
            assertThat(found.whyNot()).contains("checker's own JVM");
        }
        assertThat(ServerProcess.find(port).whyNot()).contains("no socket listening on port " + port);
        try (DatagramSocket mine = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            port = mine.getLocalPort();
            assertThat(ServerProcess.findUdp(port).whyNot()).contains("checker's own JVM");
        }
        assertThat(ServerProcess.findUdp(port).whyNot()).contains("no UDP socket bound to port " + port);
    }

    @Test
    void a_registered_thread_is_measured_a_spinning_one_about_as_much_as_the_yardstick_a_sleeping_one_about_nothing() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Thread spinning = Thread.ofPlatform().daemon().start(() -> {
            while (!stop.get()) {
                // as a select() that returns at once would
            }
        });
        CountDownLatch never = new CountDownLatch(1);
        Thread sleeping = Thread.ofPlatform().daemon().start(() -> {
            try {
                never.await(); // as a select() with nothing to report
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            ServerProcess.register(1, spinning);
            ServerProcess.register(2, sleeping);
            assertThat(ServerProcess.find(1).process().what()).isEqualTo("thread " + spinning.getName());
            ServerProcess.Cpu busy = ServerProcess.find(1).process().measureCpu(Duration.ofMillis(200), Duration.ofSeconds(10));
            ServerProcess.Cpu idle = ServerProcess.find(2).process().measureCpu(Duration.ofMillis(200), Duration.ofSeconds(10));
            assertThat(busy.ratio()).as(busy.describe()).isGreaterThan(0.5);
            assertThat(idle.ratio()).as(idle.describe()).isLessThan(0.25);
            assertThat(busy.spinnerNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
        } finally {
            ServerProcess.unregister(1);
            ServerProcess.unregister(2);
            stop.set(true);
            never.countDown();
        }
        Thread virtual = Thread.ofVirtual().unstarted(() -> { });
        ServerProcess.register(3, virtual);
        try {
            assertThat(ServerProcess.find(3).process()).isNull();
            assertThat(ServerProcess.find(3).whyNot()).contains("cannot measure");
        } finally {
            ServerProcess.unregister(3);
        }
    }

    /** A listener (and a UDP socket) that forks 3 children which exit at once and are never waited for, then sleeps. */
    private static final String FORKS_AND_NEVER_WAITS = """
            import os, socket, time
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            s.listen(8)
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            u.bind(("127.0.0.1", 0))
            for _ in range(3):
                if os.fork() == 0:
                    os._exit(0)
            print(s.getsockname()[1], u.getsockname()[1], flush=True)
            time.sleep(30)
            """;

    @Test
    void a_server_in_another_process_is_found_by_its_ports_with_its_descriptors_memory_zombies_and_idle_cpu() throws Exception {
        assumeTrue(LINUX, "needs /proc");
        Process p;
        try {
            p = new ProcessBuilder("python3", "-c", FORKS_AND_NEVER_WAITS).start();
        } catch (IOException noPython) {
            assumeTrue(false, "needs python3");
            return;
        }
        try {
            String[] ports = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII)).readLine().strip().split(" ");
            ServerProcess.Found found = ServerProcess.find(Integer.parseInt(ports[0]));
            assertThat(found.whyNot()).isNull();
            ServerProcess server = found.process();
            assertThat(server.pids()).containsExactly(p.pid());
            assertThat(server.what()).isEqualTo("process " + p.pid());
            assertThat(ServerProcess.findUdp(Integer.parseInt(ports[1])).process().pids()).containsExactly(p.pid());
            assertThat(server.descriptors().sockets()).isGreaterThanOrEqualTo(2); // the listener, the UDP socket
            assertThat(server.openDescriptors()).isGreaterThanOrEqualTo(5); // stdin, stdout, stderr, the two sockets
            assertThat(server.residentBytes()).isGreaterThan(1 << 20);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int zombies;
            do { // the children exit on their own schedule; a bounded wait
                zombies = server.zombies();
            } while (zombies < 3 && System.nanoTime() < deadline);
            assertThat(zombies).isEqualTo(3);
            // Never reaped: the count stays, and settling gives up after its time; a bar above it returns at once.
            assertThat(server.settledZombies(3, Duration.ofMillis(200))).isEqualTo(3);
            assertThat(server.settledZombies(4, Duration.ofSeconds(10))).isEqualTo(3);
            ServerProcess.Cpu idle = server.measureCpu(Duration.ofMillis(200), Duration.ofSeconds(10));
            assertThat(idle.ratio()).as(idle.describe()).isLessThan(0.25);
            ServerProcess.Cpu[] during = new ServerProcess.Cpu[1];
            assertThat(server.measureCpu(() -> {
                Thread.sleep(300); // a stretch of time to measure over, not a wait for a result
                return "measured";
            }, r -> during[0] = r)).isEqualTo("measured");
            assertThat(during[0].ratio()).as(during[0].describe()).isLessThan(0.5);
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            assertThat(server.cpuNanos()).as("a process that has ended").isEqualTo(-1);
            assertThat(server.measureCpu(Duration.ofMillis(10), Duration.ofMillis(100))).isNull();
            assertThat(server.descriptors()).isNull();
            assertThat(server.openDescriptors()).isEqualTo(-1);
            assertThat(server.residentBytes()).isEqualTo(-1);
        } finally {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void a_process_that_spins_measures_about_as_much_as_the_yardstick() throws Exception {
        assumeTrue(LINUX, "needs /proc");
        Process spinning = new ProcessBuilder("python3", "-c", "import socket\ns = socket.socket()\ns.bind(('127.0.0.1', 0))\ns.listen()\n"
                + "print(s.getsockname()[1], flush=True)\nwhile True: pass").start();
        try {
            int port = Integer.parseInt(new BufferedReader(new InputStreamReader(spinning.getInputStream(), StandardCharsets.US_ASCII)).readLine().strip());
            ServerProcess.Cpu busy = ServerProcess.find(port).process().measureCpu(Duration.ofMillis(200), Duration.ofSeconds(10));
            assertThat(busy.ratio()).as(busy.describe()).isGreaterThan(0.5);
        } finally {
            spinning.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void the_descriptor_count_settles_at_once_when_back_near_before_and_waits_when_far_above() throws Exception {
        assumeTrue(LINUX, "needs /proc");
        Process p = new ProcessBuilder("python3", "-c", "import socket, sys\n"
                + "l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(8)\n"
                + "print(l.getsockname()[1], flush=True); sys.stdin.read()").start();
        try {
            int port = Integer.parseInt(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII)).readLine().strip());
            ServerProcess server = ServerProcess.find(port).process();
            long start = System.nanoTime();
            assertThat(server.settledDescriptors(server.openDescriptors(), Duration.ofSeconds(5))).isPositive();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            start = System.nanoTime();
            assertThat(server.settledDescriptors(0, Duration.ofMillis(100))).isGreaterThan(2);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
        } finally {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void the_queues_show_bytes_the_server_has_not_read_and_then_that_it_has() throws Exception {
        assumeTrue(LINUX, "needs /proc");
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                Socket server = listener.accept()) {
            client.getOutputStream().write(new byte[100]);
            int port = listener.getLocalPort();
            int clientPort = client.getLocalPort();
            Wire.Queues.Pair q = Wire.Queues.awaitRead(port, clientPort, Duration.ofMillis(200));
            assertThat(q.whole()).isTrue();
            assertThat(q.readAll()).isFalse();
            assertThat(q.server().rx()).isEqualTo(100);
            assertThat(q.total()).isEqualTo(100);
            assertThat(q.echoHeld()).isZero();
            assertThat(server.getInputStream().readNBytes(100)).hasSize(100);
            assertThat(Wire.Queues.awaitRead(port, clientPort, Duration.ofSeconds(5)).readAll()).isTrue();
            int other = clientPort + 1 == port ? clientPort + 2 : clientPort + 1;
            assertThat(Wire.Queues.read(port, other).whole()).isFalse();
            client.shutdownOutput();
            assertThat(Wire.Queues.awaitEnd(port, clientPort, Duration.ofSeconds(5)).server().state()).isEqualTo(0x08); // CLOSE_WAIT
        }
    }
}
