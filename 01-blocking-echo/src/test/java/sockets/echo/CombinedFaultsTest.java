package sockets.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lesson 01's pieces under faults met together: reads split at random with a read timeout, a
 * request larger than both socket buffers, a peer that stops reading, an interrupt, and IPv6.
 * Seeded; a failure prints its seed.
 */
@Timeout(30)
@Tag("fix")
class CombinedFaultsTest {

    private static InetAddress ipv6Loopback() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            return probe.getInetAddress();
        } catch (IOException e) {
            assumeTrue(false, "IPv6 loopback (::1) is not available here: " + e.getMessage());
            return null;
        }
    }

    @Test
    void splitReads_timeout_readExactly_isNotResumable() throws Exception {
        // readExactly keeps no state between calls: a timeout after part of the reply loses that
        // part. reference.md says so; with a read timeout, drop the connection when it fires.
        byte[] reply = "0123456789".getBytes(StandardCharsets.US_ASCII);
        InputStream in = new InputStream() {
            int at;
            boolean timedOut;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (at == 4 && !timedOut) {
                    timedOut = true;
                    throw new SocketTimeoutException("Read timed out");
                }
                if (at == reply.length) {
                    return -1;
                }
                int n = Math.min(Math.min(len, 2), reply.length - at); // split reads: 2 bytes at most
                System.arraycopy(reply, at, b, off, n);
                at += n;
                return n;
            }

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }
        };
        assertThatThrownBy(() -> EchoClient.readExactly(in, 10)).isInstanceOf(SocketTimeoutException.class);
        assertThatThrownBy(() -> EchoClient.readExactly(in, 10)).as("the first 4 bytes are gone")
                .hasMessageContaining("after 6 of 10 bytes");
    }

    @Test
    void roundTrip_requestOverBothSocketBuffers_splitByTheServer_ipv6() throws Exception {
        InetAddress v6 = ipv6Loopback();
        long seed = 0x21_01L;
        byte[] request = new byte[8 << 20];
        new Random(seed).nextBytes(request);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (EchoServer server = EchoServer.bind(new InetSocketAddress(v6, 0), Duration.ofSeconds(20),
                new PrintStream(log, true, StandardCharsets.UTF_8))) {
            Thread serving = Thread.ofPlatform().start(server::serve);
            try (Socket s = EchoClient.connect(List.of(v6), server.localAddress().getPort(), Duration.ofSeconds(10))) {
                s.setSoTimeout(20_000);
                byte[] echo = EchoClient.roundTrip(s.getInputStream(), s.getOutputStream(), request);
                assertThat(java.util.Arrays.equals(echo, request)).as("echo (seed %d)", seed).isTrue();
            }
            server.close();
            serving.join(Duration.ofSeconds(5));
        }
    }

    @Test
    void splitWrites_peerStopsReading_ipv6_serverCutsIt_andServesTheNext() throws Exception {
        InetAddress v6 = ipv6Loopback();
        Random random = new Random(0x21_011L);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (EchoServer server = EchoServer.bind(new InetSocketAddress(v6, 0), Duration.ofMillis(300),
                new PrintStream(log, true, StandardCharsets.UTF_8))) {
            Thread serving = Thread.ofPlatform().start(server::serve);
            try (Socket greedy = new Socket(v6, server.localAddress().getPort())) {
                OutputStream out = greedy.getOutputStream();
                assertThatThrownBy(() -> { // writes in random pieces and never reads its echo
                    for (int i = 0; i < 100_000; i++) {
                        byte[] piece = new byte[1 + random.nextInt(16_384)];
                        out.write(piece);
                    }
                }).as("the server cut the client that never read").isInstanceOf(SocketException.class);
            }
            try (Socket next = new Socket(v6, server.localAddress().getPort())) {
                next.setSoTimeout(10_000);
                byte[] echo = EchoClient.roundTrip(next.getInputStream(), next.getOutputStream(),
                        "next\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(echo, StandardCharsets.US_ASCII)).isEqualTo("next\n");
            }
            assertThat(log.toString(StandardCharsets.UTF_8)).contains("read none of its echo");
            server.close();
            serving.join(Duration.ofSeconds(5));
        }
    }

    @Test
    void roundTrip_peerStopsReading_requestOverBothBuffers_timeout_failsInTime() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket s = new Socket(InetAddress.getLoopbackAddress(), silent.getLocalPort());
             Socket accepted = silent.accept()) {
            assertThat(accepted.isConnected()).isTrue(); // accepted, never read
            s.setSoTimeout(200);
            assertThatThrownBy(() -> EchoClient.roundTrip(s.getInputStream(), s.getOutputStream(), new byte[16 << 20]))
                    .isInstanceOf(SocketTimeoutException.class);
        } // closing the socket ends the sender's blocked write
    }

    @Test
    void roundTrip_peerStopsAnswering_interrupt_onAVirtualThread_endsAndIsNoTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket s = new Socket(InetAddress.getLoopbackAddress(), silent.getLocalPort());
             Socket accepted = silent.accept()) {
            assertThat(accepted.isConnected()).isTrue();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    EchoClient.roundTrip(s.getInputStream(), s.getOutputStream(), "hi".getBytes(StandardCharsets.US_ASCII));
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (reader.getState() != Thread.State.WAITING && System.nanoTime() - until < 0) {
                Thread.onSpinWait(); // bounded: until the reader is parked in its read
            }
            reader.interrupt();
            reader.join(Duration.ofSeconds(10));
            assertThat(reader.isAlive()).isFalse();
            assertThat(failure.get()).isInstanceOf(SocketException.class).isNotInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void connect_oneNanosecond_ipv6_succeedsOrTimesOut_neverBlocks() throws Exception {
        InetAddress v6 = ipv6Loopback();
        try (ServerSocket listener = new ServerSocket(0, 50, v6)) {
            CompletableFuture<Void> attempt = CompletableFuture.runAsync(() -> {
                try (Socket s = EchoClient.connect(List.of(v6), listener.getLocalPort(), Duration.ofNanos(1))) {
                    assertThat(s.isConnected()).isTrue();
                } catch (SocketTimeoutException fine) {
                    // 1 ms may be too short even on loopback: a timeout, never "forever"
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            attempt.get(10, TimeUnit.SECONDS);
        }
    }
}
