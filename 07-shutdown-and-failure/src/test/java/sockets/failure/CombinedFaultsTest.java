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
}
