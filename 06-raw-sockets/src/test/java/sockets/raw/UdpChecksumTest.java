package sockets.raw;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The UDP checksum over the IPv4 pseudo-header (RFC 768), with a datagram longer than 255 bytes so
 * that both bytes of every length field matter: right, damaged, absent (0), and the partial sum a
 * capture on {@code lo} shows when the kernel left the checksum to the network card.
 */
@Tag("fix")
class UdpChecksumTest {

    private static final byte[] PAYLOAD = new byte[300];

    static {
        for (int i = 0; i < PAYLOAD.length; i++) {
            PAYLOAD[i] = (byte) (i * 7);
        }
    }

    private static Ipv4 ip(byte[] datagram) throws Exception {
        return new Ipv4(20, 20 + datagram.length, 64, Ipv4.UDP, (Inet4Address) InetAddress.getByName("10.0.0.1"),
                (Inet4Address) InetAddress.getByName("10.0.0.2"), true, datagram);
    }

    /** The datagram with {@code checksum} in its field. */
    private static byte[] datagram(int checksum) {
        return ByteBuffer.allocate(8 + PAYLOAD.length).putShort((short) 1234).putShort((short) 5678)
                .putShort((short) (8 + PAYLOAD.length)).putShort((short) checksum).put(PAYLOAD).array();
    }

    /** The pseudo-header (source, destination, zero, protocol 17, UDP length) followed by {@code tail}. */
    private static byte[] pseudo(byte[] tail, int udpLength) {
        return ByteBuffer.allocate(12 + tail.length).put(new byte[] {10, 0, 0, 1, 10, 0, 0, 2, 0, 17})
                .putShort((short) udpLength).put(tail).array();
    }

    private static int rightChecksum() {
        byte[] zeroed = datagram(0);
        int c = InternetChecksum.of(pseudo(zeroed, zeroed.length), 0, 12 + zeroed.length);
        return c == 0 ? 0xFFFF : c; // 0 would mean "no checksum"; RFC 768 sends all ones instead
    }

    @Test
    void a_right_checksum_is_valid_and_a_damaged_datagram_is_not() throws Exception {
        byte[] d = datagram(rightChecksum());
        Transport.Udp udp = Transport.Udp.parse(d);
        assertThat(udp.length()).isEqualTo(308);
        assertThat(udp.checksumValid(ip(d), d)).isTrue();
        byte[] damaged = Arrays.copyOf(d, d.length);
        damaged[100] ^= 1;
        assertThat(Transport.Udp.parse(damaged).checksumValid(ip(damaged), damaged)).isFalse();
        assertThat(udp.checksumLeftForOffload(ip(d))).as("a finished checksum is not the partial one").isFalse();
    }

    @Test
    void a_zero_checksum_means_not_computed_which_ipv4_allows() throws Exception {
        byte[] d = datagram(0);
        d[100] ^= 1; // whatever the bytes: nothing to check
        assertThat(Transport.Udp.parse(d).checksumValid(ip(d), d)).isTrue();
    }

    @Test
    void the_pseudo_header_sum_left_for_offload_is_recognised_and_is_not_a_valid_checksum() throws Exception {
        int partial = ~InternetChecksum.of(pseudo(new byte[0], 308), 0, 12) & 0xFFFF; // folded, not complemented
        byte[] d = datagram(partial);
        Transport.Udp udp = Transport.Udp.parse(d);
        assertThat(udp.checksumLeftForOffload(ip(d))).isTrue();
        assertThat(udp.checksumValid(ip(d), d)).isFalse();
    }

    @Test
    void trailingBytes_afterTheUdpLength_areNotSummed_andACutDatagramIsNotValid() throws Exception {
        byte[] d = datagram(rightChecksum());
        byte[] padded = Arrays.copyOf(d, d.length + 6); // Ethernet padding, or any bytes after the datagram
        padded[d.length] = 0x55;
        assertThat(Transport.Udp.parse(padded).checksumValid(ip(padded), padded)).as("the length field decides").isTrue();
        byte[] cut = Arrays.copyOf(d, d.length - 10);
        assertThat(Transport.Udp.parse(cut).checksumValid(ip(cut), cut)).isFalse();
    }
}
