package sockets.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link FramingServer}'s deadlines under combined faults: a frame deadline that must see bytes
 * already read ahead (pipelined slow-loris), timeouts under a millisecond, and pipelined frames in
 * random pieces over IPv6.
 */
@Timeout(30)
class FrameDeadlineTest {

    private static final Duration FRAME_TIMEOUT = Duration.ofMillis(300);
    private static final Duration LONG_IDLE = Duration.ofSeconds(20);

    private static byte[] firstFrameAndStartOfSecond(FramingServer.Framing framing) {
        return framing == FramingServer.Framing.LENGTH
                ? new byte[] {0, 0, 0, 2, 'h', 'i', 0, 0} // "hi", then half of the next length prefix
                : "hi\nsecond frame, never fin".getBytes(StandardCharsets.US_ASCII);
    }

    @Nested
    @Tag("pitfall")
    class Pitfall {

        @ParameterizedTest
        @EnumSource(FramingServer.Framing.class)
        void pipelined_slowLoris_secondFrameCutAfterOneFrameTimeout_notTheIdleTimeout(FramingServer.Framing framing)
                throws Exception {
            // The start of frame 2 arrives in the same segment as frame 1, so the buffered stream
            // (or the line reader) has it before any socket read could announce it. The old clock
            // armed only on socket reads, so frame 2 was bounded by the idle timeout, not the frame timeout.
            try (RunningFramingServer server = new RunningFramingServer(framing, 1 << 20, 10, LONG_IDLE, FRAME_TIMEOUT);
                 Socket s = server.connect()) {
                s.getOutputStream().write(firstFrameAndStartOfSecond(framing));
                s.setSoTimeout((int) LONG_IDLE.dividedBy(2).toMillis()); // far beyond the frame timeout
                var in = new BufferedInputStream(s.getInputStream());
                FrameReader echoes = framing.reader(in, 1 << 20);
                assertThat(echoes.readFrame()).asString(StandardCharsets.US_ASCII).isEqualTo("hi");
                long start = System.nanoTime();
                assertThat(in.read()).as("the server cut the unfinished second frame").isEqualTo(-1);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(LONG_IDLE.dividedBy(2));
                server.awaitLog("did not send the rest of its frame");
            }
        }

        @Test
        void idleTimeout_oneNanosecond_disconnectsASilentClient_insteadOfWaitingForever() throws Exception {
            try (RunningFramingServer server = new RunningFramingServer(FramingServer.Framing.LENGTH, 1 << 20, 10,
                    Duration.ofNanos(1), Duration.ofNanos(1)); Socket s = server.connect()) {
                s.setSoTimeout(10_000);
                assertThat(s.getInputStream().read()).isEqualTo(-1);
            }
        }

        @Test
        void zeroTimeouts_areRefusedBeforeBinding() {
            InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            PrintStream log = new PrintStream(OutputStream.nullOutputStream());
            assertThatThrownBy(() -> FramingServer.bind(any, FramingServer.Framing.LINE, 10, 10, Duration.ZERO,
                    FRAME_TIMEOUT, log)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> FramingServer.bind(any, FramingServer.Framing.LINE, 10, 10, LONG_IDLE,
                    Duration.ZERO, log)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    @Tag("fix")
    class Combinations {

        static InetAddress ipv6Loopback() {
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
                return probe.getInetAddress();
            } catch (IOException e) {
                assumeTrue(false, "IPv6 loopback (::1) is not available here: " + e.getMessage());
                return null;
            }
        }

        @ParameterizedTest
        @EnumSource(FramingServer.Framing.class)
        void splitWrites_pipelined_farOverLimit_ipv6(FramingServer.Framing framing) throws Exception {
            InetAddress v6 = ipv6Loopback();
            long seed = 0x21_06L + framing.ordinal();
            Random random = new Random(seed);
            int limit = 1024;
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            FrameWriter w = framing.writer(wire, limit);
            List<byte[]> frames = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                byte[] f = new byte[random.nextInt(limit)];
                for (int k = 0; k < f.length; k++) {
                    f[k] = (byte) ('a' + random.nextInt(26));
                }
                frames.add(f);
                w.writeFrame(f);
            }
            byte[] tooLong = new byte[64 * limit]; // no newline, or (length framing) announced below
            Arrays.fill(tooLong, (byte) 'z');
            if (framing == FramingServer.Framing.LENGTH) {
                tooLong[0] = 0x7F;
            }
            wire.write(tooLong);
            byte[] all = wire.toByteArray();
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            try (FramingServer server = FramingServer.bind(new InetSocketAddress(v6, 0), framing, limit, 10, LONG_IDLE,
                    Duration.ofSeconds(10), new PrintStream(log, true, StandardCharsets.UTF_8))) {
                Thread serving = Thread.ofPlatform().start(server::serve);
                try (Socket s = new Socket(v6, server.localAddress().getPort())) {
                    s.setSoTimeout(10_000);
                    Thread.ofPlatform().start(() -> { // split writes, in random pieces, while we read
                        try {
                            OutputStream out = s.getOutputStream();
                            for (int at = 0; at < all.length; ) {
                                int n = Math.min(all.length - at, 1 + random.nextInt(700));
                                out.write(all, at, n);
                                out.flush();
                                at += n;
                            }
                        } catch (IOException cutOff) {
                            // the server refuses the frame over the limit and closes
                        }
                    });
                    FrameReader echoes = framing.reader(new BufferedInputStream(s.getInputStream()), limit);
                    for (int i = 0; i < frames.size(); i++) {
                        assertThat(echoes.readFrame()).as("frame %d (seed %d)", i, seed).isEqualTo(frames.get(i));
                    }
                    try {
                        assertThat(echoes.readFrame()).as("after the refusal (seed %d)", seed).isNull();
                    } catch (java.net.SocketException reset) {
                        // the server closed with our unread bytes in its buffer: a reset is allowed
                    }
                }
                server.close();
                serving.join(Duration.ofSeconds(5));
            }
        }
    }
}
