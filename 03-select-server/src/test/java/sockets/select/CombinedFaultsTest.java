package sockets.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link SelectEchoServer} and {@link SelectClient} under faults met together: writes split at
 * random, a peer that stops reading past the high-water mark, a half-close, IPv6, an interrupt,
 * and timeouts at their edges. Seeded; a failure prints its seed.
 */
@Timeout(30)
class CombinedFaultsTest {

    private static final PrintStream NO_LOG = new PrintStream(OutputStream.nullOutputStream());

    @Nested
    @Tag("pitfall")
    class Pitfall {

        @Test
        void selectClient_interrupt_isInterruptedIOException_notATimeoutAfterSpinning() throws Exception {
            // An interrupt makes every select return at once. The old loop took that for "not yet",
            // spun until the deadline and reported a timeout; a 20 s timeout here would trip @Timeout.
            try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                Thread.currentThread().interrupt();
                try {
                    assertThatThrownBy(() -> SelectClient.exchange((InetSocketAddress) silent.getLocalSocketAddress(),
                            "hi\n".getBytes(StandardCharsets.US_ASCII), false, Duration.ZERO, Duration.ofSeconds(60)))
                            .isInstanceOf(InterruptedIOException.class)
                            .isNotInstanceOf(SocketTimeoutException.class);
                } finally {
                    Thread.interrupted();
                }
            }
        }

        @Test
        void idleTimeout_zeroRefused_andAThousandYearsDoesNotOverflow() throws Exception {
            InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            assertThatThrownBy(() -> SelectEchoServer.bind(any, 1024, 10, Duration.ZERO, NO_LOG))
                    .isInstanceOf(IllegalArgumentException.class);
            // Duration.toNanos() overflows past 292 years; the old server threw ArithmeticException.
            try (SelectEchoServer server = SelectEchoServer.bind(any, 1024, 10, Duration.ofDays(365_000), NO_LOG)) {
                assertThat(server.localAddress().getPort()).isPositive();
            }
        }
    }

    @Nested
    @Tag("fix")
    class Combinations {

        private static InetAddress ipv6Loopback() {
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
                return probe.getInetAddress();
            } catch (IOException e) {
                assumeTrue(false, "IPv6 loopback (::1) is not available here: " + e.getMessage());
                return null;
            }
        }

        @Test
        void splitWrites_peerStopsReading_overHighWater_halfClose_ipv6() throws Exception {
            InetAddress v6 = ipv6Loopback();
            long seed = 0x21_03L;
            Random random = new Random(seed);
            byte[] request = new byte[16 << 20]; // 16 MiB against a 64 KiB mark: more than the socket buffers hold
            random.nextBytes(request);
            try (SelectEchoServer server = SelectEchoServer.bind(new InetSocketAddress(v6, 0), 64 * 1024, 10,
                    Duration.ofSeconds(20), NO_LOG)) {
                Thread loop = Thread.ofPlatform().start(() -> {
                    try {
                        server.serve();
                    } catch (IOException ignored) {
                        // the test's asserts say what went wrong
                    }
                });
                try (Socket s = new Socket()) {
                    s.setReceiveBufferSize(8192); // before connecting: the window stays small
                    s.connect(new InetSocketAddress(v6, server.localAddress().getPort()));
                    s.setSoTimeout(20_000);
                    // Send everything in random pieces, reading nothing until the writes block:
                    // the server must stop reading above its mark, and lose nothing.
                    CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                        try {
                            OutputStream out = s.getOutputStream();
                            for (int at = 0; at < request.length; ) {
                                int n = Math.min(request.length - at, 1 + random.nextInt(20_000));
                                out.write(request, at, n);
                                at += n;
                            }
                            s.shutdownOutput(); // half-close: the echo must still come whole
                        } catch (IOException e) {
                            throw new RuntimeException(e);
                        }
                    });
                    // Read nothing until the server holds its high-water mark of unsent echo (bounded wait).
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                    while (server.counters.mostPendingBytes() < 64 * 1024 && System.nanoTime() - until < 0) {
                        Thread.onSpinWait();
                        Thread.yield();
                    }
                    assertThat(server.counters.mostPendingBytes()).as("the server reached its mark").isGreaterThanOrEqualTo(64 * 1024);
                    InputStream in = s.getInputStream();
                    byte[] first = in.readNBytes(1);
                    byte[] rest = in.readAllBytes();
                    sent.get(20, TimeUnit.SECONDS);
                    byte[] echo = new byte[first.length + rest.length];
                    System.arraycopy(first, 0, echo, 0, first.length);
                    System.arraycopy(rest, 0, echo, first.length, rest.length);
                    assertThat(echo.length).as("echo length (seed %d)", seed).isEqualTo(request.length);
                    assertThat(Arrays.equals(echo, request)).as("echo bytes (seed %d)", seed).isTrue();
                    // Bounded while the client did not read: the mark plus one read, in whole chunks.
                    assertThat(server.counters.mostPendingHeapBytes()).isLessThanOrEqualTo(64 * 1024 + SelectEchoServer.READ_BUFFER + OutputQueue.CHUNK);
                }
                server.close();
                loop.join(Duration.ofSeconds(5));
            }
        }

        @Test
        void selectClient_splitEcho_pausedRequest_ipv6() throws Exception {
            InetAddress v6 = ipv6Loopback();
            try (SelectEchoServer server = SelectEchoServer.bind(new InetSocketAddress(v6, 0), 64 * 1024, 10,
                    Duration.ofSeconds(20), NO_LOG)) {
                Thread loop = Thread.ofPlatform().start(() -> {
                    try {
                        server.serve();
                    } catch (IOException ignored) {
                        // the asserts say what went wrong
                    }
                });
                byte[] request = new byte[300_000];
                new Random(0x21_033L).nextBytes(request);
                SelectClient.Exchange e = SelectClient.exchange(server.localAddress(), request, false,
                        Duration.ofMillis(1), Duration.ofSeconds(20));
                assertThat(Arrays.equals(e.echo(), request)).isTrue();
                server.close();
                loop.join(Duration.ofSeconds(5));
            }
        }

        @Test
        void selectClient_timeoutOneNanosecond_timesOut() throws Exception {
            try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                assertThatThrownBy(() -> SelectClient.exchange((InetSocketAddress) silent.getLocalSocketAddress(),
                        "hi\n".getBytes(StandardCharsets.US_ASCII), false, Duration.ZERO, Duration.ofNanos(1)))
                        .isInstanceOf(SocketTimeoutException.class);
            }
        }

        @Test
        void selectClient_serverClosesWithoutAnswer_isAnError_notAnEmptyEcho() throws Exception {
            try (ServerSocket closing = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                Thread.ofPlatform().start(() -> {
                    try (Socket s = closing.accept()) {
                        s.getInputStream().readNBytes(3);
                    } catch (IOException ignored) {
                        // the client's assert says what happened
                    }
                });
                assertThatThrownBy(() -> SelectClient.exchange((InetSocketAddress) closing.getLocalSocketAddress(),
                        "hi\n".getBytes(StandardCharsets.US_ASCII), false, Duration.ZERO, Duration.ofSeconds(10)))
                        .isInstanceOf(IOException.class).hasMessageContaining("server closed");
            }
        }
    }
}
