package sockets.threaded;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Memory per idle connection, a platform thread per connection against a virtual thread per
 * connection, and whether the virtual-thread server keeps answering new clients while it holds
 * 10,000 idle ones. Each server runs as its own process; its resident memory and thread count are
 * read from /proc. Linux only; loopback only.
 *
 * <pre>./mvnw -q -pl 05-threaded-server test-compile exec:exec -Dmain=sockets.threaded.IdleConnectionsHarness</pre>
 */
public final class IdleConnectionsHarness {

    private IdleConnectionsHarness() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("| threads | idle connections | RSS MiB | KiB per connection | threads in the process | new client answered in |");
        System.out.println("|---|---|---|---|---|---|");
        for (String threads : List.of("platform", "virtual")) {
            for (int idle : threads.equals("platform") ? List.of(1_000, 5_000) : List.of(1_000, 5_000, 10_000)) {
                measure(threads, idle);
            }
        }
    }

    private static void measure(String threads, int idle) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process server = new ProcessBuilder(java, "-Xms64m", "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                "sockets.threaded.ClientListServer", "--port", "0", "--threads", threads, "--read-timeout", "600",
                "--max-connections", "20000").redirectErrorStream(true).start();
        List<Socket> sockets = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            int port = Integer.parseInt(out.readLine().replaceAll(".*:", ""));
            Thread.ofVirtual().start(() -> { // keep its log pipe drained
                try {
                    while (out.readLine() != null) {
                        // discard
                    }
                } catch (IOException closedWhenTheServerStops) {
                    // done
                }
            });
            register(port, "warm-up");
            long before = rssKib(server.pid());
            for (int i = 0; i < idle; i++) {
                sockets.add(new Socket(InetAddress.getLoopbackAddress(), port)); // connected, says nothing
            }
            // Wait until the server has a handler for each (its thread count or memory settles).
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (threads.equals("platform") && threadCount(server.pid()) < idle && System.nanoTime() < deadline) {
                Thread.sleep(100); // polling another process's /proc: there is nothing to wait on
            }
            register(port, "settle");
            long start = System.nanoTime();
            register(port, "newcomer");
            double answeredMs = (System.nanoTime() - start) / 1e6;
            long after = rssKib(server.pid());
            System.out.printf("| %s | %,d | %.0f | %.1f | %d | %.1f ms |%n", threads, idle, after / 1024.0,
                    (after - before) / (double) idle, threadCount(server.pid()), answeredMs);
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
            server.destroy();
            server.waitFor();
        }
    }

    private static void register(int port, String name) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(30_000);
            ClientListClient.register(s, name);
        }
    }

    private static long rssKib(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status")).stream()
                .filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(-1);
    }

    private static long threadCount(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status")).stream()
                .filter(l -> l.startsWith("Threads:")).mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(-1);
    }
}
