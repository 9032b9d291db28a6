package sockets.failure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The checker's view of a server's process through /proc: found by its listening port, its zombie children counted. */
class ServerProcessTest {

    /** A listener that forks 3 children which exit at once and are never waited for, then sleeps. */
    private static final String FORKS_AND_NEVER_WAITS = """
            import os, socket, time
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            s.listen(8)
            for _ in range(3):
                if os.fork() == 0:
                    os._exit(0)
            print(s.getsockname()[1], flush=True)
            time.sleep(30)
            """;

    @Test
    void a_process_found_by_its_listening_port_has_its_unwaited_children_counted() throws Exception {
        Assumptions.assumeTrue(java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/net/tcp")), "Linux only");
        Process p;
        try {
            p = new ProcessBuilder("python3", "-c", FORKS_AND_NEVER_WAITS).start();
        } catch (java.io.IOException noPython) {
            Assumptions.abort("no python3 here");
            return;
        }
        try {
            int port = Integer.parseInt(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII)).readLine().strip());
            Checker.ServerProcess.Found found = Checker.ServerProcess.find(port);
            assertThat(found.whyNot()).isNull();
            assertThat(found.pids()).containsExactly(p.pid());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int zombies;
            do { // the children exit on their own schedule; a bounded wait
                zombies = Checker.ServerProcess.zombies(found.pids());
            } while (zombies < 3 && System.nanoTime() < deadline);
            assertThat(zombies).isEqualTo(3);
        } finally {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void a_listener_in_this_jvm_or_none_at_all_is_not_counted_and_says_why() throws Exception {
        Assumptions.assumeTrue(java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/net/tcp")), "Linux only");
        try (ServerSocket own = new ServerSocket()) {
            own.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            assertThat(Checker.ServerProcess.find(own.getLocalPort()).whyNot()).contains("checker's own JVM");
            int port = own.getLocalPort();
            own.close();
            assertThat(Checker.ServerProcess.find(port).whyNot()).contains("no socket listening on port " + port);
        }
    }
}
