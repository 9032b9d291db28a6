package sockets.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ChannelWriter#writeFully}: a peer that stops reading, combined with an interrupt, a stall
 * limit under a millisecond, and IPv6. An interrupt is the caller's doing and must not be reported
 * as the peer's stall.
 */
@Timeout(30)
class ChannelWriterInterruptTest {

    /** Runs {@code body} with a connected pair whose accepting end never reads. */
    private interface WithPair {
        void run(SocketChannel writer) throws Exception;
    }

    private static void withSilentPeer(InetAddress address, WithPair body) throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress(address, 0));
             SocketChannel writer = SocketChannel.open(listener.getLocalAddress());
             SocketChannel silent = listener.accept()) {
            assertThat(silent).isNotNull();
            body.run(writer);
        }
    }

    private static ByteBuffer moreThanTheBuffersHold() {
        return ByteBuffer.allocate(32 << 20); // 32 MiB: far more than both socket buffers
    }

    @Nested
    @Tag("pitfall")
    class Pitfall {

        @Test
        void peerStopsReading_interrupt_isInterruptedIOException_notAStall() throws Exception {
            withSilentPeer(InetAddress.getLoopbackAddress(), writer -> {
                writer.configureBlocking(false);
                Thread.currentThread().interrupt(); // a shutdown asked for before the buffers fill
                try {
                    // The old code took the woken select for "no progress" and blamed the peer at once.
                    assertThatThrownBy(() -> ChannelWriter.writeFully(writer, moreThanTheBuffersHold(), Duration.ofMinutes(1)))
                            .isInstanceOf(InterruptedIOException.class)
                            .isNotInstanceOf(SocketTimeoutException.class);
                    assertThat(Thread.currentThread().isInterrupted()).as("interrupt status kept").isTrue();
                } finally {
                    Thread.interrupted();
                }
            });
        }
    }

    @Nested
    @Tag("fix")
    class Combinations {

        @Test
        void peerStopsReading_stallOneNanosecond_timesOut_notForever() throws Exception {
            withSilentPeer(InetAddress.getLoopbackAddress(), writer -> {
                writer.configureBlocking(false);
                assertThatThrownBy(() -> ChannelWriter.writeFully(writer, moreThanTheBuffersHold(), Duration.ofNanos(1)))
                        .isInstanceOf(SocketTimeoutException.class);
            });
        }

        @Test
        void blockingChannel_interrupt_isClosedByInterrupt() throws Exception {
            withSilentPeer(InetAddress.getLoopbackAddress(), writer -> {
                Thread.currentThread().interrupt();
                try {
                    assertThatThrownBy(() -> ChannelWriter.writeFully(writer, ByteBuffer.allocate(10), Duration.ofMinutes(1)))
                            .isInstanceOf(ClosedByInterruptException.class);
                    assertThat(writer.isOpen()).isFalse();
                } finally {
                    Thread.interrupted();
                }
            });
        }

        @Test
        void peerStopsReading_interrupt_ipv6() throws Exception {
            InetAddress v6;
            try {
                v6 = InetAddress.getByName("::1");
                try (ServerSocketChannel probe = ServerSocketChannel.open().bind(new InetSocketAddress(v6, 0))) {
                    assertThat(probe.isOpen()).isTrue();
                }
            } catch (IOException e) {
                assumeTrue(false, "IPv6 loopback (::1) is not available here: " + e.getMessage());
                return;
            }
            withSilentPeer(v6, writer -> {
                writer.configureBlocking(false);
                Thread.currentThread().interrupt();
                try {
                    assertThatThrownBy(() -> ChannelWriter.writeFully(writer, moreThanTheBuffersHold(), Duration.ofMinutes(1)))
                            .isInstanceOf(InterruptedIOException.class)
                            .isNotInstanceOf(SocketTimeoutException.class);
                } finally {
                    Thread.interrupted();
                }
            });
        }
    }
}
