package sockets.failure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link HalfCloseServer} and {@link FaultProxy} against peers that trickle, never read, keep
 * sending, or come in numbers: none holds a thread, a descriptor or memory beyond its limits.
 */
class HostilePeersTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** A {@link HalfCloseServer} on a free port, serving on its own thread, its log kept. */
    private static final class Running implements AutoCloseable {
        final HalfCloseServer server;
        final Thread serving;
        final WatchedLog log = new WatchedLog();

        Running(Duration readTimeout, int maxRequest, int maxConnections) throws IOException {
            server = HalfCloseServer.bind(new InetSocketAddress(LOOPBACK, 0), readTimeout, maxRequest, maxConnections,
                    log);
            serving = Thread.ofPlatform().start(server::serve);
        }

        Socket connect() throws IOException {
            Socket s = new Socket(LOOPBACK, server.localAddress().getPort());
            s.setSoTimeout(20_000); // bounded: a test fails rather than hangs
            return s;
        }

        String exchange(String request) throws IOException {
            try (Socket s = connect()) {
                return new String(HalfCloseClient.exchange(s, new java.io.ByteArrayInputStream(
                        request.getBytes(StandardCharsets.UTF_8)), true), StandardCharsets.UTF_8);
            }
        }

        String log() {
            return log.toString();
        }

        @Override
        public void close() throws InterruptedException {
            server.close();
            serving.join(5_000);
        }
    }

    /** Writes the next byte of {@code bytes} every {@code gapMillis}, on a timer. */
    private static ScheduledExecutorService trickle(Socket s, byte[] bytes, long gapMillis) throws IOException {
        s.setTcpNoDelay(true);
        OutputStream out = s.getOutputStream();
        AtomicInteger next = new AtomicInteger();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        timer.scheduleAtFixedRate(() -> {
            int i = next.getAndIncrement();
            try {
                if (i < bytes.length) {
                    out.write(bytes[i]);
                }
            } catch (IOException closedUnderUs) {
                timer.shutdown();
            }
        }, 0, gapMillis, TimeUnit.MILLISECONDS);
        return timer;
    }

    @Nested
    @Tag("fix")
    class Server {

        @Test
        void a_client_that_sends_a_byte_every_100_ms_is_answered_with_an_error_within_twice_the_limit()
                throws Exception {
            try (Running r = new Running(Duration.ofSeconds(1), 1 << 20, 100); Socket loris = r.connect()) {
                ScheduledExecutorService timer = trickle(loris, new byte[1_000], 100);
                long start = System.nanoTime();
                try {
                    String answer = new String(loris.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    Duration took = Duration.ofNanos(System.nanoTime() - start);
                    assertThat(answer).startsWith("error: no end of request within 1000 ms");
                    assertThat(took).isLessThan(Duration.ofSeconds(2));
                } finally {
                    timer.shutdownNow();
                }
                assertThat(r.exchange("next")).isEqualTo("NEXT");
            }
        }

        @Test
        void a_client_that_never_reads_its_answer_is_closed_at_the_deadline() throws Exception {
            try (Running r = new Running(Duration.ofSeconds(1), 32 << 20, 100); Socket greedy = new Socket()) {
                greedy.setReceiveBufferSize(4096);
                greedy.connect(new InetSocketAddress(LOOPBACK, r.server.localAddress().getPort()));
                greedy.getOutputStream().write(new byte[16 << 20]); // answered with 16 MiB it never reads
                greedy.shutdownOutput();
                assertThat(r.exchange("others are served")).isEqualTo("OTHERS ARE SERVED");
                // The answer's deadline passes, and the server closes the greedy connection. Only then
                // does the greedy client read: it gets what fitted in the buffers, not the 16 MiB.
                assertThat(r.log.await("read none of its answer for 1000 ms; disconnected", Duration.ofSeconds(20)))
                        .isTrue();
                greedy.setSoTimeout(20_000);
                InputStream in = greedy.getInputStream();
                long got = 0;
                try {
                    got = in.transferTo(OutputStream.nullOutputStream()); // now read: what was sent, then the end
                } catch (IOException reset) {
                    // a reset counts as closed too
                }
                assertThat(got).isLessThan(16 << 20);
                assertThat(r.log()).contains("read none of its answer for 1000 ms; disconnected");
            }
        }

        @Test
        void a_client_that_keeps_sending_after_an_oversized_request_is_closed_within_the_drain_limit() throws Exception {
            try (Running r = new Running(Duration.ofSeconds(10), 1024, 100); Socket s = r.connect()) {
                OutputStream out = s.getOutputStream();
                CompletableFuture<Void> flood = CompletableFuture.runAsync(() -> {
                    byte[] chunk = new byte[64 * 1024];
                    try {
                        for (int i = 0; i < 16 * 1024; i++) { // up to 1 GiB, far more than the drain reads
                            out.write(chunk);
                        }
                    } catch (IOException closed) {
                        // what we expect: the server gave up on us
                    }
                }, Thread::startVirtualThread);
                long start = System.nanoTime();
                String answer = new String(s.getInputStream().readNBytes(64), StandardCharsets.UTF_8);
                assertThat(answer).startsWith("error: request over 1024 bytes");
                flood.get(20, TimeUnit.SECONDS); // the writes fail once the server has closed
                // Well under the read timeout of 10 s: the drain stops after 64 KiB or a second.
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            }
        }

        @Test
        void beyond_the_connection_cap_a_newcomer_is_told_the_server_is_busy() throws Exception {
            try (Running r = new Running(Duration.ofSeconds(10), 1024, 1); Socket holding = r.connect();
                 Socket refused = r.connect()) {
                holding.getOutputStream().write("held".getBytes(StandardCharsets.UTF_8)); // no half-close yet
                refused.shutdownOutput();
                assertThat(new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                        .isEqualTo("error: server busy, try again later\n");
                holding.shutdownOutput();
                assertThat(new String(holding.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("HELD");
                assertThat(r.log()).contains("refused, already serving 1 connections");
            }
        }
    }

    @Nested
    @Tag("fix")
    class Proxy {

        @Test
        void connections_that_end_cleanly_leave_no_sockets_behind_in_the_proxy() throws Exception {
            try (Running r = new Running(Duration.ofSeconds(10), 1024, 1_000)) {
                FaultProxy proxy = FaultProxy.start(new InetSocketAddress(LOOPBACK, 0), r.server.localAddress(), "pass",
                        new PrintStream(OutputStream.nullOutputStream()));
                try {
                    for (int i = 0; i < 300; i++) {
                        try (Socket s = new Socket(LOOPBACK, proxy.localAddress().getPort())) {
                            s.setSoTimeout(20_000);
                            byte[] answer = HalfCloseClient.exchange(s, new java.io.ByteArrayInputStream(
                                    ("n" + i).getBytes(StandardCharsets.UTF_8)), true);
                            assertThat(new String(answer, StandardCharsets.UTF_8)).isEqualTo("N" + i);
                        }
                    }
                    // Each relay closes its two sockets when both directions have ended; the last
                    // ones may still be finishing, so wait, boundedly, for the count to reach zero.
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (proxy.openSockets() > 0 && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                        Thread.yield();
                    }
                    assertThat(proxy.openSockets()).isZero();
                } finally {
                    proxy.close();
                }
            }
        }
    }
}
