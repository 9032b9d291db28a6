package sockets.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two ordinary conditions at once, for the pieces of this lesson that are meant to be copied. Each
 * test is named by its combination; each failed on the code before issue 21 and passes now.
 */
@Timeout(60)
class CombinedFaultsTest {

    static DatagramSocket ipv6Loopback() {
        try {
            return new DatagramSocket(new InetSocketAddress(InetAddress.getByName("::1"), 0));
        } catch (Exception e) {
            assumeTrue(false, "no IPv6 loopback here: " + e);
            throw new IllegalStateException(e);
        }
    }

    /** A server on ::1 that answers one request with {@code #id } and {@code bodyLength} bytes. */
    static byte[] requestOverIpv6(int answerLength, int retries) throws Exception {
        try (DatagramSocket server = ipv6Loopback(); DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("::1"), 0))) {
            server.setSoTimeout(10_000);
            client.setSendBufferSize(1 << 20);
            client.setReceiveBufferSize(1 << 20);
            server.setSendBufferSize(1 << 20);
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try {
                    DatagramPacket request = new DatagramPacket(new byte[100], 100);
                    server.receive(request);
                    byte[] prefix = Arrays.copyOf(request.getData(), request.getLength() - 2); // "#id " of "#id hi"
                    byte[] answer = new byte[answerLength];
                    Arrays.fill(answer, (byte) 'y');
                    System.arraycopy(prefix, 0, answer, 0, prefix.length);
                    server.send(new DatagramPacket(answer, answer.length, request.getSocketAddress()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, Thread::startVirtualThread);
            client.connect(server.getLocalSocketAddress());
            UdpClient.Answer answer = new UdpClient(client, Duration.ofSeconds(10), retries).request("hi".getBytes(StandardCharsets.US_ASCII));
            served.get(10, TimeUnit.SECONDS);
            return answer.body();
        }
    }

    @Test
    @Tag("fix")
    void ipv6_largestReply_arrivesWhole_notTruncatedAtTheIpv4Limit() throws Exception {
        // 65,527 bytes: legal over IPv6, 20 more than IPv4 allows. Before issue 21 the client's
        // buffer held 65,508 and the reply came back cut, without an error.
        byte[] body;
        try {
            body = requestOverIpv6(Datagrams.LARGEST_PAYLOAD, 0);
        } catch (SocketException tooBigForThisHost) {
            assumeTrue(false, "this host will not send a 65,527-byte datagram on ::1: " + tooBigForThisHost);
            return;
        }
        int prefix = Datagrams.LARGEST_PAYLOAD - body.length;
        assertThat(prefix).as("only the '#id ' prefix is taken off").isBetween(3, 22);
        assertThat(body).containsOnly((byte) 'y');
    }

    @Test
    @Tag("fix")
    void subMillisecondTimeout_noAnswer_isOneMillisecondTries_notForever() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress()); DatagramSocket client = new DatagramSocket()) {
            client.connect(silent.getLocalSocketAddress());
            UdpClient c = new UdpClient(client, Duration.ofNanos(1), 2);
            assertThat(client.getSoTimeout()).isEqualTo(1);
            assertThatThrownBy(() -> c.request(new byte[] {'x'})).isInstanceOf(java.net.SocketTimeoutException.class)
                    .hasMessageContaining("3 tries");
            assertThatThrownBy(() -> new UdpClient(client, Duration.ZERO, 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new UdpClient(client, Duration.ofSeconds(1), -1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    @Tag("fix")
    void requestId_overLongMax_wouldOverflow_isNoId() {
        assertThat(Datagrams.requestId("#9223372036854775807 x".getBytes(StandardCharsets.US_ASCII))).isEqualTo(Long.MAX_VALUE);
        assertThat(Datagrams.requestId("#9999999999999999999 x".getBytes(StandardCharsets.US_ASCII))).isEqualTo(-1);
        assertThat(Datagrams.requestId("#18446744073709551617 x".getBytes(StandardCharsets.US_ASCII))).as("2^64 + 1 would wrap to 1").isEqualTo(-1);
    }
}
