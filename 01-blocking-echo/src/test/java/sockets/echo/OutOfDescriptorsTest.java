package sockets.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * E-03: every call can fail, even creating a socket. In a process limited to 64 file descriptors
 * (a child JVM under {@code ulimit -n 64}), every socket is one, and the next {@code new Socket()}
 * or {@code accept()} fails with "Too many open files". The fix for a server is lesson 02, 03, 05
 * and 07's accept back-off (docs {@code OutOfDescriptorsTest}); here is the failure itself.
 */
@Tag("pitfall")
@EnabledOnOs(value = OS.LINUX, disabledReason = "uses bash's ulimit")
class OutOfDescriptorsTest {

    /** Run in the child: opens loopback connections until something fails, then says what and when. */
    public static void main(String[] args) throws IOException {
        List<Socket> held = new ArrayList<>();
        try (ServerSocket listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < 1_000; i++) {
                held.add(new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort()));
                held.add(listener.accept());
            }
            System.out.println("no failure after " + held.size() + " sockets");
        } catch (IOException e) {
            System.out.println(e.getClass().getName() + ": " + e.getMessage() + " after " + held.size() + " sockets");
        }
    }

    @Test
    void with_64_descriptors_creating_or_accepting_a_socket_fails_with_too_many_open_files() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash for ulimit");
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("java.class.path");
        Process child = new ProcessBuilder("/bin/bash", "-c", "ulimit -n 64 && exec \"$0\" -cp \"$1\" sockets.echo.OutOfDescriptorsTest",
                java, classpath).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(out).matches("java\\.net\\.SocketException: Too many open files after \\d+ sockets");
        int sockets = Integer.parseInt(out.replaceAll(".* after (\\d+) sockets", "$1"));
        assertThat(sockets).as("sockets open when it failed").isPositive().isLessThan(64);
    }
}
