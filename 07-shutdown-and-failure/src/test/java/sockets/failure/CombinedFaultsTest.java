package sockets.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two ordinary conditions at once, for the pieces of this lesson that are meant to be copied. Each
 * test is named by its combination; each failed on the code before issue 21 and passes now.
 */
@Timeout(60)
class CombinedFaultsTest {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    /** A connected pair whose client's send buffer is full: the server never reads. [client, server] */
    SocketChannel[] fullSendBuffer() throws IOException {
        ServerSocketChannel listener = keep(ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0)));
        SocketChannel client = keep(SocketChannel.open(listener.getLocalAddress()));
        SocketChannel server = keep(listener.accept());
        client.configureBlocking(false);
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        while (true) { // fill the client's send buffer and the server's receive buffer
            chunk.clear();
            if (client.write(chunk) == 0) {
                break;
            }
        }
        client.configureBlocking(true);
        return new SocketChannel[] {client, server};
    }

    @Test
    @Tag("fix")
    void deadPeer_fullSendBuffer_heartbeat() throws Exception {
        SocketChannel[] pair = fullSendBuffer();
        Socket s = pair[0].socket();
        byte[] ping = new byte[256 * 1024]; // more than any free space left: the write must block
        Heartbeat heartbeat = new Heartbeat(s, Duration.ofMillis(100), 2, () -> s.getOutputStream().write(ping));
        long start = System.nanoTime();
        // Before issue 21 the first ping blocked in its write for ever and the peer was never declared dead.
        assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
                assertThatThrownBy(() -> heartbeat.read(new byte[8])).isInstanceOf(Heartbeat.PeerDeadException.class)
                        .hasMessageContaining("3 intervals of 100 ms").hasMessageContaining("send buffer is full"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(290));
    }

    /** A running server with a small request limit; closed after the test. */
    HalfCloseServer server(int maxRequest) throws IOException {
        HalfCloseServer server = keep(HalfCloseServer.bind(new InetSocketAddress(LOOPBACK, 0), Duration.ofSeconds(5),
                maxRequest, new PrintStream(OutputStream.nullOutputStream())));
        Thread.ofPlatform().daemon().start(server::serve);
        return server;
    }

    @Test
    @Tag("fix")
    void requestFarOverTheLimit_serverStopsReading_refusalStillArrives() throws Exception {
        HalfCloseServer server = server(1024);
        byte[] huge = new byte[16 << 20]; // far more than the server drains (64 KiB) and the buffers hold
        try (Socket s = new Socket(LOOPBACK, server.localAddress().getPort())) {
            // Before issue 21 the whole request was written first: "Broken pipe", the refusal lost.
            byte[] answer = HalfCloseClient.exchange(s, new ByteArrayInputStream(huge), true, Duration.ofSeconds(20));
            assertThat(new String(answer, StandardCharsets.UTF_8)).isEqualTo("error: request over 1024 bytes\n");
        }
    }

    @Test
    @Tag("fix")
    void noHalfClose_wholeExchangeDeadline_notPerRead() throws Exception {
        HalfCloseServer server = server(1024);
        try (Socket s = new Socket(LOOPBACK, server.localAddress().getPort())) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> HalfCloseClient.exchange(s, new ByteArrayInputStream(new byte[] {'x'}), false,
                    Duration.ofMillis(300))).isInstanceOf(java.net.SocketTimeoutException.class)
                    .hasMessageContaining("within 300 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        }
    }

    @Test
    @Tag("fix")
    void heartbeat_subMillisecondInterval_isOneMillisecond_notForever() {
        Socket s = new Socket();
        Heartbeat h = new Heartbeat(s, Duration.ofNanos(1), 0, () -> { });
        assertThat(h).isNotNull();
        assertThatThrownBy(() -> new Heartbeat(s, Duration.ZERO, 0, () -> { })).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Heartbeat(s, Duration.ofMillis(1), -1, () -> { })).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @Tag("fix")
    void limitLoweredBelowWhatWasSent_midStream_directionEnds_noSocketLeaks() throws Exception {
        java.net.ServerSocket target = keep(new java.net.ServerSocket(0, 1, LOOPBACK));
        FaultProxy proxy = keep(FaultProxy.start(new InetSocketAddress(LOOPBACK, 0),
                (InetSocketAddress) target.getLocalSocketAddress(), "limit:1000", new PrintStream(OutputStream.nullOutputStream())));
        Socket client = keep(new Socket(LOOPBACK, proxy.localAddress().getPort()));
        Socket server = keep(target.accept());
        server.setSoTimeout(10_000);
        client.getOutputStream().write(new byte[600]);
        assertThat(server.getInputStream().readNBytes(600)).hasSize(600);
        proxy.mode("limit:100"); // now below the 600 already sent
        client.getOutputStream().write(new byte[10]);
        // Before issue 21: an IndexOutOfBoundsException killed the relay; no end of stream came.
        assertThat(server.getInputStream().read()).as("the direction ends at the lowered limit").isEqualTo(-1);
        server.close();
        client.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (proxy.openSockets() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000); // a bounded wait for the relay to see both ends
        }
        assertThat(proxy.openSockets()).as("sockets the proxy still holds").isZero();
    }

    @Test
    @Tag("fix")
    void expandingCharacters_requestAtTheLimit_answeredInLinearTime() throws Exception {
        int max = 1 << 20;
        HalfCloseServer server = server(max);
        byte[] request = "\u00df".repeat(max / 2).getBytes(StandardCharsets.UTF_8); // 1 MiB of ß, 2 bytes each
        try (Socket s = new Socket(LOOPBACK, server.localAddress().getPort())) {
            // Before issue 21, String.toUpperCase took many minutes over this (quadratic in the ß count).
            byte[] answer = assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> HalfCloseClient.exchange(s, new ByteArrayInputStream(request), true, Duration.ofSeconds(20)));
            assertThat(answer).as("ß has no one-character upper case: it stays ß").isEqualTo(request);
        }
    }

    /** The reference mapping: every code point through Character.toUpperCase. */
    static byte[] upperByCodePoint(byte[] utf8) {
        StringBuilder out = new StringBuilder();
        new String(utf8, StandardCharsets.UTF_8).codePoints().map(Character::toUpperCase).forEach(out::appendCodePoint);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    @Tag("fix")
    void splitChunks_expandingSupplementaryAndMalformed_upperCaseStreamed() throws Exception {
        long seed = System.nanoTime();
        System.out.println("splitChunks seed " + seed);
        java.util.Random random = new java.util.Random(seed);
        String[] pieces = {"a", "z", "\u00df", "\u0390", "\u0149", "\uD801\uDC28", "\u00e9", "\uFB01", "x"};
        for (int round = 0; round < 50; round++) {
            java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
            for (int i = random.nextInt(10_000); i > 0; i--) {
                if (random.nextInt(50) == 0) {
                    text.write(0x80 | random.nextInt(0x40)); // a stray continuation byte: malformed
                } else {
                    text.writeBytes(pieces[random.nextInt(pieces.length)].getBytes(StandardCharsets.UTF_8));
                }
            }
            byte[] bytes = text.toByteArray();
            List<byte[]> chunks = new ArrayList<>(); // cut anywhere, inside a character too
            for (int at = 0; at < bytes.length; ) {
                int n = Math.min(bytes.length - at, 1 + random.nextInt(9000));
                chunks.add(java.util.Arrays.copyOfRange(bytes, at, at + n));
                at += n;
            }
            java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
            HalfCloseServer.writeUpperCase(chunks, answer);
            assertThat(answer.toByteArray()).as("seed %d round %d", seed, round).isEqualTo(upperByCodePoint(bytes));
        }
    }

    @Test
    @Tag("fix")
    void expandingCharacters_atTheLimit_allocateLittleBeyondTheRequest() throws Exception {
        byte[] request = "\u0390".repeat(1 << 19).getBytes(StandardCharsets.UTF_8); // 1 MiB; String.toUpperCase makes 3 MiB of it
        List<byte[]> chunks = HalfCloseServer.readRequest(new ByteArrayInputStream(request), 1 << 20);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        HalfCloseServer.writeUpperCase(chunks, OutputStream.nullOutputStream());
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        System.out.println("upper-casing a 1 MiB request allocated " + allocated + " bytes");
        assertThat(allocated).as("bytes allocated to upper-case 1 MiB").isLessThan(256 * 1024);
    }

    @Test
    @Tag("fix")
    void readRequest_holdsOneCopyInChunks_andOneByteMoreSaysTooLong() throws Exception {
        for (int size : new int[] {0, 1, HalfCloseServer.CHUNK - 1, HalfCloseServer.CHUNK, HalfCloseServer.CHUNK + 1, 100_000, 100_001, 200_000}) {
            List<byte[]> chunks = HalfCloseServer.readRequest(new ByteArrayInputStream(new byte[size]), 100_000);
            long total = chunks.stream().mapToLong(c -> c.length).sum();
            assertThat(total).as("size %d", size).isEqualTo(Math.min(size, 100_001));
            assertThat(chunks).allSatisfy(c -> assertThat(c.length).isBetween(1, HalfCloseServer.CHUNK));
        }
    }

    @Test
    @Tag("fix")
    void keepalive_subSecondAndHugeDurations_roundUpAndCap_neverZero() throws Exception {
        Socket s = keep(new Socket());
        Keepalive.enable(s, Duration.ofMillis(500), Duration.ofNanos(1), 3); // before issue 21: 0 s, refused by the kernel
        assertThat(s.getOption(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE)).isEqualTo(1);
        assertThat(s.getOption(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL)).isEqualTo(1);
        Keepalive.enable(s, Duration.ofDays(365_000), Duration.ofMillis(1500), 3);
        assertThat(s.getOption(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE)).isEqualTo(Keepalive.LONGEST_SECONDS);
        assertThat(s.getOption(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL)).isEqualTo(2);
        assertThat(Keepalive.worstCaseDetection(Duration.ofMillis(500), Duration.ofMillis(1500), 3)).hasSeconds(7);
        assertThatThrownBy(() -> Keepalive.enable(s, Duration.ZERO, Duration.ofSeconds(1), 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Keepalive.enable(s, Duration.ofSeconds(1), Duration.ofSeconds(1), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @Tag("fix")
    void socketWithoutReadTimeout_threeArgumentExchange_usesTheDefaultBound() throws Exception {
        HalfCloseServer server = server(1024);
        try (Socket s = new Socket(LOOPBACK, server.localAddress().getPort())) {
            assertThat(s.getSoTimeout()).isZero(); // "no timeout": must not become a Duration of 0
            assertThat(HalfCloseClient.exchange(s, new ByteArrayInputStream("abc".getBytes(StandardCharsets.UTF_8)), true))
                    .asString(StandardCharsets.UTF_8).isEqualTo("ABC");
        }
    }
}
