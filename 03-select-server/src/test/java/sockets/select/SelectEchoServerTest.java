package sockets.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The select echo server against the seed's (S-13, S-14, BUG-17 … BUG-22): partial writes,
 * half-closed clients, clients that never read, and many clients through one thread.
 */
@Timeout(120)
class SelectEchoServerTest {

    private static final int EIGHT_MIB = 8 << 20;

    /** Sends {@code bytes} (then half-closes) on a virtual thread; returns the CRC of what was sent. */
    static CompletableFuture<Void> send(Socket s, byte[] bytes, boolean halfClose) {
        return CompletableFuture.runAsync(() -> {
            try {
                s.getOutputStream().write(bytes);
                if (halfClose) {
                    s.shutdownOutput();
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, Thread::startVirtualThread);
    }

    /** Reads to end of stream; returns {bytes, crc32}. A reset counts as the end. */
    static long[] drain(InputStream in) {
        CRC32 crc = new CRC32();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try {
            int n;
            while ((n = in.read(buffer)) != -1) {
                crc.update(buffer, 0, n);
                total += n;
            }
        } catch (IOException reset) {
            // the naive server may reset; what arrived before it is what counts
        }
        return new long[] {total, crc.getValue()};
    }

    static long crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    /** A client with a small receive buffer that sends everything before reading anything. */
    static Socket smallWindowClient(int port) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return s;
    }

    @Nested
    @Tag("pitfall")
    class Pitfall {

        @Test
        void ignoring_partial_writes_hands_write_more_bytes_than_it_writes_and_the_client_gets_less() throws Exception {
            byte[] request = random(EIGHT_MIB);
            try (NaiveSelectEchoServer server = new NaiveSelectEchoServer(4096);
                 Socket client = smallWindowClient(server.port())) {
                Thread loop = Thread.ofPlatform().start(() -> {
                    try {
                        server.serve();
                    } catch (IOException ignored) {
                        // closed by the test
                    }
                });
                send(client, request, true).get(60, TimeUnit.SECONDS); // the naive server reads everything
                long[] got = drain(client.getInputStream());

                assertThat(server.handedToWrite.get()).isGreaterThan(server.written.get());
                assertThat(got[0]).isLessThan(EIGHT_MIB);
                server.close();
                loop.join(5_000);
            }
        }

        @Test
        void closing_at_end_of_stream_drops_the_echo_still_queued_for_a_half_closed_client() throws Exception {
            // Only BUG-19, with no partial write in play: 16 KiB fits every buffer, so each write the
            // naive server makes is complete. The request and the half-close are both waiting in the
            // socket before the server's loop starts, so its passes go: accept; read and queue the
            // 16 KiB; then readable (the end of stream) and writable at once, and it closes first.
            byte[] request = random(16 * 1024);
            try (NaiveSelectEchoServer server = new NaiveSelectEchoServer(1 << 20);
                 Socket client = new Socket(java.net.InetAddress.getLoopbackAddress(), server.port())) {
                client.getOutputStream().write(request);
                client.shutdownOutput();
                Thread loop = Thread.ofPlatform().start(() -> {
                    try {
                        server.serve();
                    } catch (IOException ignored) {
                        // closed by the test
                    }
                });
                client.setSoTimeout(20_000);
                assertThat(drain(client.getInputStream())[0]).as("echo bytes received").isZero();
                assertThat(server.handedToWrite.get()).as("bytes the server ever tried to write").isZero();
                server.close();
                loop.join(5_000);
            }
        }

    }

    @Nested
    @Tag("fix")
    class Fix {

        @Test
        void every_write_is_finished_and_the_client_gets_all_8_MiB() throws Exception {
            byte[] request = random(EIGHT_MIB);
            try (RunningSelectServer server = RunningSelectServer.start()) {
                server.server.sendBufferForNewConnections(4096); // as small as the naive server's
                try (Socket client = smallWindowClient(server.address().getPort())) {
                    CompletableFuture<Void> sent = send(client, request, true);
                    long[] got = drain(client.getInputStream());
                    sent.get(60, TimeUnit.SECONDS);

                    assertThat(got).containsExactly(EIGHT_MIB, crc(request));
                }
                server.server.close(); // the counters are the selector thread's: read them once it has finished
                assertThat(server.server.awaitStopped(Duration.ofSeconds(10))).isTrue();
                assertThat(server.server.counters.bytesWritten()).isEqualTo(server.server.counters.bytesRead()).isEqualTo(EIGHT_MIB);
            }
        }

        @Test
        void a_client_that_half_closes_gets_its_whole_echo_before_the_connection_closes() throws Exception {
            byte[] request = random(1 << 20);
            try (RunningSelectServer server = RunningSelectServer.start();
                 Socket client = smallWindowClient(server.address().getPort())) {
                CompletableFuture<Void> sent = send(client, request, true);
                long[] got = drain(client.getInputStream());
                sent.get(60, TimeUnit.SECONDS);
                assertThat(got).containsExactly(request.length, crc(request));
            }
        }

        @Test
        void a_client_that_never_reads_costs_at_most_the_high_water_mark_plus_one_read() throws Exception {
            int highWater = 256 * 1024;
            try (RunningSelectServer server = new RunningSelectServer(highWater, Duration.ofSeconds(30));
                 Socket greedy = smallWindowClient(server.address().getPort())) {
                OutputStream out = greedy.getOutputStream();
                byte[] chunk = new byte[64 * 1024];
                CompletableFuture<Long> flood = CompletableFuture.supplyAsync(() -> {
                    long sent = 0;
                    try {
                        for (int i = 0; i < 4096; i++) { // up to 256 MiB
                            out.write(chunk);
                            sent += chunk.length;
                        }
                    } catch (IOException closedByTest) {
                        // the test closed the socket to end the flood
                    }
                    return sent;
                }, Thread::startVirtualThread);
                // Another client is served meanwhile, through the same thread.
                try (Socket other = server.connect()) {
                    other.getOutputStream().write("ping".getBytes());
                    assertThat(other.getInputStream().readNBytes(4)).isEqualTo("ping".getBytes());
                }
                // A bounded wait, to show the flood stalls: the server stopped reading from it.
                assertThat(flood).failsWithin(1, TimeUnit.SECONDS)
                        .withThrowableOfType(java.util.concurrent.TimeoutException.class);
                assertThat(server.server.counters.mostPendingBytes())
                        .isLessThanOrEqualTo(highWater + SelectEchoServer.READ_BUFFER)
                        .isGreaterThanOrEqualTo(highWater); // it did queue up to the mark before pausing
                assertThat(server.server.counters.mostPendingHeapBytes())
                        .isLessThanOrEqualTo(highWater + SelectEchoServer.READ_BUFFER + OutputQueue.CHUNK);
                greedy.close();
                assertThat(flood.get(30, TimeUnit.SECONDS)).isLessThan(256L << 20);
            }
        }

        @Test
        void two_hundred_clients_at_once_each_get_64_KiB_echoed_exactly_through_one_thread() throws Exception {
            try (RunningSelectServer server = RunningSelectServer.start()) {
                List<CompletableFuture<Boolean>> clients = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    byte[] request = random(64 * 1024 + i);
                    clients.add(CompletableFuture.supplyAsync(() -> {
                        try (Socket s = server.connect()) {
                            CompletableFuture<Void> sent = send(s, request, true);
                            byte[] echo = s.getInputStream().readAllBytes();
                            sent.get(60, TimeUnit.SECONDS);
                            return Arrays.equals(echo, request);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }, Thread::startVirtualThread));
                }
                for (CompletableFuture<Boolean> c : clients) {
                    assertThat(c.get(60, TimeUnit.SECONDS)).isTrue();
                }
            }
        }

        @Test
        void echoes_64_MiB_to_a_client_that_reads_slowly_without_losing_a_byte() throws Exception {
            byte[] request = random(64 << 20);
            try (RunningSelectServer server = RunningSelectServer.start();
                 Socket client = smallWindowClient(server.address().getPort())) {
                CompletableFuture<Void> sent = send(client, request, true);
                // Slow: a small window and small reads, so the server is held back all the way.
                CRC32 crc = new CRC32();
                byte[] small = new byte[1024];
                long total = 0;
                int n;
                InputStream in = client.getInputStream();
                while ((n = in.read(small)) != -1) {
                    crc.update(small, 0, n);
                    total += n;
                }
                sent.get(60, TimeUnit.SECONDS);
                assertThat(total).isEqualTo(request.length);
                assertThat(crc.getValue()).isEqualTo(crc(request));
                assertThat(server.server.counters.mostPendingBytes())
                        .isLessThanOrEqualTo(SelectEchoServer.DEFAULT_HIGH_WATER + SelectEchoServer.READ_BUFFER);
            }
        }

        @Test
        void a_reset_from_one_client_affects_no_other() throws Exception {
            try (RunningSelectServer server = RunningSelectServer.start(); Socket steady = server.connect()) {
                steady.getOutputStream().write("before".getBytes());
                assertThat(steady.getInputStream().readNBytes(6)).isEqualTo("before".getBytes());
                try (Socket rude = server.connect()) {
                    rude.getOutputStream().write(new byte[100_000]);
                    rude.setSoLinger(true, 0); // RST on close
                }
                steady.getOutputStream().write("after".getBytes());
                assertThat(steady.getInputStream().readNBytes(5)).isEqualTo("after".getBytes());
                server.awaitLog(" connection failed: "); // logged, and that connection alone closed
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (server.server.counters.openConnections() > 1 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                assertThat(server.server.counters.openConnections()).isEqualTo(1);
            }
        }

        @Test
        void a_connection_with_no_progress_for_the_idle_timeout_is_closed() throws Exception {
            try (RunningSelectServer server = new RunningSelectServer(SelectEchoServer.DEFAULT_HIGH_WATER, Duration.ofMillis(200));
                 Socket silent = server.connect()) {
                silent.setSoTimeout(10_000);
                assertThat(silent.getInputStream().read()).isEqualTo(-1); // closed by the sweep
                assertThat(server.log()).contains("made no progress for 200 ms");
            }
        }
    }

    @Test
    @Tag("fix")
    void a_selector_that_fails_under_the_loop_ends_serve_with_an_exception_so_the_program_exits_1() throws Exception {
        try (RunningSelectServer server = RunningSelectServer.start()) {
            server.server.breakSelectorForTest();
            assertThat(server.server.awaitStopped(java.time.Duration.ofSeconds(10))).isTrue();
            server.join();
            assertThat(server.failure).isNotNull().hasMessageContaining("selector was closed");
            // With the selector gone, its keys cannot close the listener: serve() must do it itself.
            assertThatThrownBy(() -> server.connect().close()).isInstanceOf(java.net.ConnectException.class);
        }
    }
}
