package sockets.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The checker's CPU yardstick (stage 8): it finds a server by its listening port and tells one
 * that sleeps from one that spins, by comparing it with a thread that spins for the same time.
 * A spinning thread measures about 1 and a sleeping one about 0 whatever the machine's load, so
 * the bounds here (above a half, below a quarter) leave room on both sides.
 */
@Timeout(60)
class ServerCpuTest {

    private static final boolean LINUX = Files.isReadable(Path.of("/proc/net/tcp"));

    @Test
    void a_thread_that_spins_measures_about_as_much_as_the_yardstick_and_one_that_sleeps_about_nothing() throws Exception {
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
            ServerCpu.register(1, spinning);
            ServerCpu.register(2, sleeping);
            ServerCpu.Reading busy = ServerCpu.measure(ServerCpu.find(1).meter(), Duration.ofMillis(200), Duration.ofSeconds(10));
            ServerCpu.Reading idle = ServerCpu.measure(ServerCpu.find(2).meter(), Duration.ofMillis(200), Duration.ofSeconds(10));
            System.out.println("spinning: " + busy.describe() + "; sleeping: " + idle.describe());
            assertThat(busy.ratio()).as(busy.describe()).isGreaterThan(0.5);
            assertThat(idle.ratio()).as(idle.describe()).isLessThan(0.25);
            assertThat(busy.spinnerNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
        } finally {
            ServerCpu.unregister(1);
            ServerCpu.unregister(2);
            stop.set(true);
            never.countDown();
        }
    }

    @Test
    void a_virtual_thread_cannot_be_measured_and_says_so() {
        Thread virtual = Thread.ofVirtual().unstarted(() -> { });
        ServerCpu.register(3, virtual);
        try {
            assertThat(ServerCpu.find(3).meter()).isNull();
            assertThat(ServerCpu.find(3).whyNot()).contains("cannot measure");
        } finally {
            ServerCpu.unregister(3);
        }
    }

    @Test
    void a_listener_in_this_jvm_is_found_and_refused_and_a_free_port_is_not_found() throws Exception {
        assumeTrue(LINUX, "needs /proc/net/tcp");
        int port;
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = listener.getLocalPort();
            ServerCpu.Found found = ServerCpu.find(port);
            assertThat(found.meter()).isNull();
            assertThat(found.whyNot()).contains("own JVM");
        }
        ServerCpu.Found gone = ServerCpu.find(port);
        assertThat(gone.meter()).isNull();
        assertThat(gone.whyNot()).contains("no socket listening on port " + port);
    }

    @Test
    void a_server_in_another_process_is_found_by_its_port_and_measured_while_it_sleeps() throws Exception {
        assumeTrue(LINUX, "needs /proc");
        Process python;
        try {
            python = new ProcessBuilder("python3", "-c", String.join("\n",
                    "import socket, time",
                    "s = socket.socket()",
                    "s.bind(('127.0.0.1', 0))",
                    "s.listen(1)",
                    "print(s.getsockname()[1], flush=True)",
                    "time.sleep(30)")).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            assumeTrue(false, "needs python3");
            return;
        }
        try {
            int port = Integer.parseInt(new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.US_ASCII)).readLine().strip());
            ServerCpu.Found found = ServerCpu.find(port);
            assertThat(found.whyNot()).isNull();
            assertThat(found.meter().what()).contains(Long.toString(python.pid()));
            ServerCpu.Reading idle = ServerCpu.measure(found.meter(), Duration.ofMillis(200), Duration.ofSeconds(10));
            assertThat(idle.ratio()).as(idle.describe()).isLessThan(0.25);
        } finally {
            python.destroyForcibly().waitFor();
        }
    }
}
