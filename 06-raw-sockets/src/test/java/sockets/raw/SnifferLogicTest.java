package sockets.raw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** What the sniffer keeps and how it describes it, from crafted frames: no privilege needed. */
@Tag("fix")
class SnifferLogicTest {

    private static byte[] ipv4(int protocol, byte[] payload) throws Exception {
        return Packets.ipv4(protocol, payload, "127.0.0.1", "127.0.0.2");
    }

    private static byte[] frame(int ethertype, byte[] payload) {
        return Packets.frame(ethertype, payload);
    }

    private static byte[] ports(int length, int source, int destination) {
        byte[] b = new byte[length];
        b[0] = (byte) (source >> 8);
        b[1] = (byte) source;
        b[2] = (byte) (destination >> 8);
        b[3] = (byte) destination;
        return b;
    }

    private static byte[] tcp(int source, int destination, int dataBytes) throws Exception {
        byte[] segment = ports(20 + dataBytes, source, destination);
        segment[12] = 0x50;
        segment[13] = 0x18; // PSH, ACK
        return frame(Ethernet.IPV4, ipv4(Ipv4.TCP, segment));
    }

    private static byte[] udp(int source, int destination) throws Exception {
        byte[] datagram = ports(10, source, destination);
        datagram[5] = 10;
        return frame(Ethernet.IPV4, ipv4(Ipv4.UDP, datagram));
    }

    @Test
    void with_no_filter_every_frame_matches_even_a_malformed_one() {
        assertThat(RawSniff.matches(new byte[3], null, -1)).isTrue();
        assertThat(RawSniff.matches(frame(0x88B5, new byte[4]), null, -1)).isTrue();
    }

    @Test
    void the_protocol_filter_keeps_only_ipv4_packets_of_that_protocol() throws Exception {
        assertThat(RawSniff.matches(tcp(1, 2, 0), "tcp", -1)).isTrue();
        assertThat(RawSniff.matches(tcp(1, 2, 0), "TCP", -1)).isTrue();
        assertThat(RawSniff.matches(tcp(1, 2, 0), "udp", -1)).isFalse();
        assertThat(RawSniff.matches(udp(1, 2), "udp", -1)).isTrue();
        assertThat(RawSniff.matches(frame(0x88B5, new byte[20]), "tcp", -1)).isFalse(); // not IPv4 at all
        assertThat(RawSniff.matches(new byte[3], "tcp", -1)).isFalse(); // malformed: not what was asked for
    }

    @Test
    void the_port_filter_keeps_tcp_and_udp_to_or_from_that_port_and_nothing_else() throws Exception {
        assertThat(RawSniff.matches(tcp(5001, 40000, 0), null, 5001)).isTrue();
        assertThat(RawSniff.matches(tcp(40000, 5001, 0), null, 5001)).isTrue();
        assertThat(RawSniff.matches(tcp(40000, 40001, 0), null, 5001)).isFalse();
        assertThat(RawSniff.matches(udp(7, 5001), null, 5001)).isTrue();
        assertThat(RawSniff.matches(udp(7, 8), "udp", 5001)).isFalse();
        assertThat(RawSniff.matches(tcp(7, 5001, 0), "udp", 5001)).isFalse();
        byte[] icmp = frame(Ethernet.IPV4, ipv4(Ipv4.ICMP, Transport.Icmp.echoRequest(5001, 5001, new byte[0])));
        assertThat(RawSniff.matches(icmp, null, 5001)).as("ICMP has no ports").isFalse();
        assertThat(RawSniff.matches(frame(0x88B5, new byte[40]), null, 5001)).isFalse();
        assertThat(RawSniff.matches(frame(Ethernet.IPV4, ipv4(Ipv4.UDP, new byte[2])), null, 5001))
                .as("too short for ports").isFalse();
    }

    @Test
    void a_tcp_segment_is_described_with_its_flags_and_the_data_after_its_header() throws Exception {
        assertThat(RawSniff.describe(tcp(5001, 40000, 7)))
                .isEqualTo("TCP 127.0.0.1:5001 -> 127.0.0.2:40000 [PSH,ACK] seq=0 ack=0, 7 bytes of data (ip checksum ok)");
    }

    @Test
    void icmp_messages_are_described_by_kind() throws Exception {
        byte[] request = Transport.Icmp.echoRequest(1, 2, new byte[0]);
        assertThat(RawSniff.describe(frame(Ethernet.IPV4, ipv4(Ipv4.ICMP, request))))
                .isEqualTo("ICMP 127.0.0.1 -> 127.0.0.2 echo request id=1 seq=2 (ip checksum ok, icmp checksum ok)");
        byte[] reply = request.clone();
        reply[0] = 0; // echo reply; the checksum no longer fits
        assertThat(RawSniff.describe(frame(Ethernet.IPV4, ipv4(Ipv4.ICMP, reply))))
                .contains("echo reply id=1 seq=2").endsWith("icmp checksum BAD)");
        byte[] unreachable = new byte[8];
        unreachable[0] = 3;
        assertThat(RawSniff.describe(frame(Ethernet.IPV4, ipv4(Ipv4.ICMP, unreachable)))).contains(" type 3 ");
    }

    @Test
    void other_frames_are_described_by_ethertype_or_protocol() throws Exception {
        assertThat(RawSniff.describe(frame(0x88B5, new byte[5])))
                .isEqualTo("ETH 02:00:00:00:00:01 -> 02:00:00:00:00:02 type 0x88b5, 5 bytes of payload");
        assertThat(RawSniff.describe(frame(Ethernet.IPV4, ipv4(47, new byte[4]))))
                .isEqualTo("IPv4 127.0.0.1 -> 127.0.0.2 protocol 47, 24 bytes (ip checksum ok)");
    }

    @Test
    void an_ipv4_header_at_an_offset_is_checked_against_the_bytes_after_that_offset() throws Exception {
        byte[] buffer = new byte[14 + 16]; // only 16 bytes after the offset: too few for a header
        buffer[14] = 0x45;
        assertThatThrownBy(() -> Ipv4.parse(buffer, 14)).isInstanceOf(MalformedPacketException.class);
        byte[] wide = new byte[14 + 24];
        wide[14] = 0x46; // IHL 6: 24 bytes, exactly what is there
        wide[17] = 24;
        assertThat(Ipv4.parse(wide, 14).headerLength()).isEqualTo(24);
        wide[14] = 0x47; // IHL 7: 28 bytes, more than there is after the offset
        assertThatThrownBy(() -> Ipv4.parse(wide, 14)).isInstanceOf(MalformedPacketException.class);
        byte[] version6 = new byte[20];
        version6[0] = 0x65;
        assertThatThrownBy(() -> Ipv4.parse(version6, 0)).isInstanceOf(MalformedPacketException.class)
                .hasMessageContaining("version 6");
    }
}
