package sockets.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

    /**
     * Holds the server's loop inside the first log line that contains {@code text}, until
     * {@link #release()}: while it is held, nothing is accepted, read or closed.
     */
    private static final class LogGate extends FilterOutputStream {
        private final String text;
        private final StringBuilder seen = new StringBuilder();
        private final CountDownLatch holding = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        LogGate(String text) {
            super(OutputStream.nullOutputStream());
            this.text = text;
        }

        /** Passes every line on to {@code log}. */
        OutputStream around(OutputStream log) {
            out = log;
            return this;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            seen.append(new String(b, off, len, StandardCharsets.UTF_8));
            if (holding.getCount() > 0 && seen.indexOf(text) >= 0) {
                holding.countDown();
                try {
                    released.await(20, TimeUnit.SECONDS); // bounded: a failed test must not keep the loop
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        void awaitHolding() throws InterruptedException {
            assertThat(holding.await(10, TimeUnit.SECONDS)).as("the loop reached the log line '%s'", text).isTrue();
        }

        void release() {
            released.countDown();
        }
    }

    /**
     * Waits (at most 10 s) until the server's kernel holds {@code bytes} unread bytes on the
     * connection from {@code client}: Linux's /proc/net/tcp and tcp6 list every TCP socket of this
     * network namespace, a connection still waiting in the accept queue too, with its unread bytes
     * (rx_queue). The server's channel is an IPv6 socket (IPv4 mapped), so it is listed in tcp6.
     */
    private static void awaitUnreadAtServer(int serverPort, Socket client, int bytes) throws IOException {
        String local = ":%04X".formatted(serverPort);
        String remote = ":%04X".formatted(client.getLocalPort());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            List<String> lines = new ArrayList<>(Files.readAllLines(PROC_NET_TCP));
            if (Files.isReadable(PROC_NET_TCP6)) {
                lines.addAll(Files.readAllLines(PROC_NET_TCP6));
            }
            for (String line : lines) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st tx_queue:rx_queue ...
                if (f.length > 4 && f[1].endsWith(local) && f[2].endsWith(remote)
                        && Integer.parseInt(f[4].substring(f[4].indexOf(':') + 1), 16) == bytes) {
                    return;
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("the server's kernel never held " + bytes + " unread bytes from port "
                        + client.getLocalPort());
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    private static final Path PROC_NET_TCP = Path.of("/proc/net/tcp");
    private static final Path PROC_NET_TCP6 = Path.of("/proc/net/tcp6");

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
                // A plain read: -1 is the FIN of an orderly close; a reset would throw instead.
                assertThat(third.getInputStream().read()).as("a newcomer that sent nothing: end of stream").isEqualTo(-1);
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
    void beyond_the_cap_a_newcomer_whose_bytes_arrived_before_it_was_accepted_gets_a_reset_not_an_end_of_stream()
            throws Exception {
        assumeTrue(Files.isReadable(PROC_NET_TCP), "needs Linux's /proc/net/tcp to see the bytes arrive at the server");
        LogGate gate = new LogGate("refused 1 connection(s)");
        try (RunningSelectServer server = new RunningSelectServer(SelectEchoServer.DEFAULT_HIGH_WATER, 1,
                Duration.ofSeconds(30), gate::around);
             Socket first = server.connect()) {
            assertThat(echo(first, "one")).isEqualTo("one");
            try (Socket quiet = server.connect()) { // refused; the next sweep logs it, and holds there
                quiet.setSoTimeout(10_000);
                assertThat(quiet.getInputStream().read()).isEqualTo(-1);
            }
            gate.awaitHolding();
            try (Socket talker = server.connect()) {
                talker.setSoTimeout(10_000);
                talker.getOutputStream().write(new byte[100]);
                awaitUnreadAtServer(server.address().getPort(), talker, 100);
                gate.release(); // now the loop accepts it, over the cap, and closes it with 100 bytes unread
                assertThatThrownBy(() -> talker.getInputStream().read())
                        .as("closing with unread input sends RST: the read fails, it does not return -1")
                        .isInstanceOf(SocketException.class).hasMessage("Connection reset");
            } finally {
                gate.release();
            }
            assertThat(server.server.counters.refusedConnections()).isEqualTo(2);
            assertThat(echo(first, "still")).isEqualTo("still");
        }
    }

    @Test
    void the_sweep_closes_a_connection_with_no_progress_and_logs_it_with_its_peer() throws Exception {
        // 2 s: long enough that the first echo always beats the sweep, even on a loaded machine.
        try (RunningSelectServer server = new RunningSelectServer(SelectEchoServer.DEFAULT_HIGH_WATER, 10, Duration.ofSeconds(2));
             Socket idle = server.connect()) {
            assertThat(echo(idle, "x")).isEqualTo("x");
            idle.setSoTimeout(20_000);
            assertThat(idle.getInputStream().read()).isEqualTo(-1); // closed by the sweep: FIN (a reset would throw)
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
