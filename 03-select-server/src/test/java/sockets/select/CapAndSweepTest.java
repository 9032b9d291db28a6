package sockets.select;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The selector server's connection cap and its once-a-second sweep. */
@Tag("fix")
class CapAndSweepTest {

    private static String echo(Socket s, String text) throws IOException {
        s.setSoTimeout(10_000);
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        return new String(s.getInputStream().readNBytes(text.length()), StandardCharsets.US_ASCII);
    }

    private static int readOrReset(InputStream in) {
        try {
            return in.read();
        } catch (IOException reset) {
            return -1;
        }
    }

    @Test
    void beyond_the_cap_a_newcomer_is_closed_at_once_counted_and_logged_and_the_others_go_on() throws Exception {
        try (RunningSelectServer server = new RunningSelectServer(SelectEchoServer.DEFAULT_HIGH_WATER, 2, Duration.ofSeconds(30));
             Socket first = server.connect();
             Socket second = server.connect()) {
            assertThat(echo(first, "one")).isEqualTo("one"); // both registered now
            assertThat(echo(second, "two")).isEqualTo("two");
            assertThat(server.server.counters.openConnections()).isEqualTo(2);
            try (Socket third = server.connect()) {
                third.setSoTimeout(10_000);
                assertThat(readOrReset(third.getInputStream())).isEqualTo(-1);
            }
            assertThat(server.server.counters.refusedConnections()).isEqualTo(1);
            server.awaitLog("refused 1 connection(s): already serving 2");
            assertThat(echo(first, "still")).isEqualTo("still");
        }
        // and once one leaves, a newcomer gets its place
        try (RunningSelectServer server = new RunningSelectServer(SelectEchoServer.DEFAULT_HIGH_WATER, 1, Duration.ofSeconds(30))) {
            try (Socket only = server.connect()) {
                assertThat(echo(only, "a")).isEqualTo("a");
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (server.server.counters.openConnections() > 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // bounded: the server notices the close within a pass
                Thread.yield();
            }
            try (Socket next = server.connect()) {
                assertThat(echo(next, "b")).isEqualTo("b");
            }
        }
    }

    @Test
    void the_sweep_closes_a_connection_with_no_progress_and_logs_it_with_its_peer() throws Exception {
        // 2 s: long enough that the first echo always beats the sweep, even on a loaded machine.
        try (RunningSelectServer server = new RunningSelectServer(SelectEchoServer.DEFAULT_HIGH_WATER, 10, Duration.ofSeconds(2));
             Socket idle = server.connect()) {
            assertThat(echo(idle, "x")).isEqualTo("x");
            idle.setSoTimeout(20_000);
            assertThat(readOrReset(idle.getInputStream())).isEqualTo(-1); // closed by the sweep
            server.awaitLog("127.0.0.1:" + idle.getLocalPort() + " made no progress for 2000 ms; disconnected");
        }
    }

    @Test
    void a_client_that_only_reads_slowly_is_making_progress_and_is_not_swept_away() throws Exception {
        // Idle timeout 2 s. The client sends 288 KiB at once, under the 1 MiB high-water mark, so
        // the server has read it all within moments; then the client reads 4 KiB every 50 ms (about
        // 3.6 s, past the timeout and at least one sweep). From the first moment on, the only
        // progress is the echo the server writes: that must count, or the sweep would cut a
        // healthy client off.
        byte[] request = new byte[288 * 1024];
        new java.util.Random(4).nextBytes(request);
        try (RunningSelectServer server = new RunningSelectServer(1 << 20, 10, Duration.ofSeconds(2))) {
            // Small buffers on both sides, so that the echo waits in the server's queue, not in the
            // kernel, for as long as the client takes: then every write is the server's progress.
            server.server.sendBufferForNewConnections(4096);
            Socket s = new Socket();
            s.setReceiveBufferSize(4096);
            s.connect(server.address());
            s.setSoTimeout(20_000);
            s.getOutputStream().write(request); // returns once the server has nearly all of it
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
            java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
            timer.scheduleAtFixedRate(() -> {
                try {
                    byte[] chunk = s.getInputStream().readNBytes(Math.min(4096, request.length - got.size()));
                    got.write(chunk);
                    if (got.size() == request.length || chunk.length == 0) {
                        done.complete(null);
                    }
                } catch (IOException e) {
                    done.completeExceptionally(e);
                }
            }, 0, 50, java.util.concurrent.TimeUnit.MILLISECONDS);
            try {
                done.get(30, java.util.concurrent.TimeUnit.SECONDS);
            } finally {
                timer.shutdownNow();
            }
            assertThat(server.server.counters.bytesRead()).isEqualTo(request.length);
            assertThat(got.toByteArray()).isEqualTo(request);
            assertThat(server.server.counters.sweeps()).isPositive(); // a sweep did look at it
            assertThat(server.log()).doesNotContain("made no progress");
            s.close();
        }
    }
}
