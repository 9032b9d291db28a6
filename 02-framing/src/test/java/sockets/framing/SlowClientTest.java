package sockets.framing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Slow-loris: a client that sends a byte now and then, never quite idle, never finishing a frame.
 * A read timeout ({@code SO_TIMEOUT}) bounds one read, so such a client never trips it and holds its
 * connection, and its thread, for as long as it likes. A deadline for the whole frame ends it.
 */
class SlowClientTest {

    /** Writes the next byte of {@code bytes} every {@code gapMillis}, on a timer: the trickling client. */
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

    private static byte[] frame(int length) {
        ByteBuffer b = ByteBuffer.allocate(4 + length).putInt(length);
        while (b.hasRemaining()) {
            b.put((byte) 'x');
        }
        return b.array();
    }

    @Nested
    @Tag("pitfall")
    class Pitfall {

        @Test
        void a_read_timeout_never_fires_for_a_client_that_sends_a_byte_every_100_ms() throws Exception {
            Duration readTimeout = Duration.ofMillis(1_000);
            byte[] frame = frame(26); // 30 bytes, 100 ms apart: about 3 s for one frame
            try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                 Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                 Socket served = listener.accept()) {
                served.setSoTimeout(Math.toIntExact(readTimeout.toMillis())); // the per-read limit
                ScheduledExecutorService timer = trickle(client, frame, 100);
                long start = System.nanoTime();
                byte[] got = new LengthPrefixedReader(new BufferedInputStream(served.getInputStream()), 1 << 20)
                        .readFrame(); // no SocketTimeoutException: every read got a byte in time
                long took = System.nanoTime() - start;
                timer.shutdownNow();

                assertThat(got).hasSize(26);
                // The frame took far longer than the "timeout", which never fired.
                assertThat(Duration.ofNanos(took)).isGreaterThan(readTimeout.multipliedBy(2));
            }
        }
    }

    @Nested
    @Tag("fix")
    class Fix {

        @Test
        void the_frame_deadline_cuts_off_a_client_that_sends_a_byte_every_100_ms() throws Exception {
            Duration limit = Duration.ofSeconds(1);
            try (RunningFramingServer server = new RunningFramingServer(FramingServer.Framing.LENGTH, 1 << 20, limit);
                 Socket loris = server.connect();
                 Socket other = server.connect()) {
                loris.setSoTimeout(30_000); // bounded: the test fails, rather than hangs, if it is never cut off
                ScheduledExecutorService timer = trickle(loris, frame(1_000), 100); // 100 s for the frame
                long start = System.nanoTime();
                try {
                    assertThat(FramingServerTest.readOrReset(loris.getInputStream())).isEqualTo(-1);
                    long took = System.nanoTime() - start;
                    assertThat(Duration.ofNanos(took)).isLessThan(limit.multipliedBy(2));
                } finally {
                    timer.shutdownNow();
                }
                assertThat(server.log()).contains("did not send the rest of its frame within 1000 ms; disconnected");
                // Meanwhile, and after, everyone else is served as usual.
                assertThat(RunningFramingServer.exchange(other, "still served".getBytes(StandardCharsets.UTF_8)))
                        .asString(StandardCharsets.UTF_8).isEqualTo("still served");
            }
        }

        @Test
        void a_client_that_is_merely_slow_between_frames_is_not_cut_off_by_the_frame_deadline() throws Exception {
            // The deadline starts with each frame, so many frames over a long connection are fine.
            try (RunningFramingServer server = new RunningFramingServer(FramingServer.Framing.LENGTH, 1 << 20,
                    Duration.ofSeconds(5));
                 Socket s = server.connect()) {
                for (int i = 0; i < 3; i++) {
                    byte[] m = ("frame " + i).getBytes(StandardCharsets.UTF_8);
                    assertThat(RunningFramingServer.exchange(s, m)).isEqualTo(m);
                }
            }
        }

        @Test
        void beyond_the_connection_cap_a_newcomer_is_closed_at_once_and_the_others_are_served() throws Exception {
            try (RunningFramingServer server = new RunningFramingServer(FramingServer.Framing.LENGTH, 1 << 20, 2,
                    Duration.ofSeconds(30));
                 Socket first = server.connect();
                 Socket second = server.connect()) {
                byte[] m = "hello".getBytes(StandardCharsets.UTF_8);
                assertThat(RunningFramingServer.exchange(first, m)).isEqualTo(m); // both are being served now
                assertThat(RunningFramingServer.exchange(second, m)).isEqualTo(m);
                try (Socket third = server.connect()) {
                    third.setSoTimeout(10_000);
                    InputStream in = third.getInputStream();
                    assertThat(FramingServerTest.readOrReset(in)).isEqualTo(-1);
                }
                assertThat(server.log()).contains("already serving 2 connections");
                assertThat(RunningFramingServer.exchange(first, m)).isEqualTo(m);
            }
        }
    }
}
