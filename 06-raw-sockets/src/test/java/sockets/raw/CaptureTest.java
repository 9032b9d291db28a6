package sockets.raw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import sockets.raw.Capture.Packet;

/**
 * What a capture records of a frame, from crafted frames: no privilege needed. What a sync returns
 * is checked where nothing else sends: the docs module's PicturesTest runs every scenario in a
 * network namespace of its own. On the host's {@code lo}, other programs' traffic can fill the
 * capture's receive buffer and drop frames (its marker among them), so a test there could fail by
 * chance.
 */
@Tag("fix")
class CaptureTest {

    /** A TCP segment: ports, sequence and acknowledgement numbers, flags, window, a header of {@code headerLength} bytes. */
    private static byte[] tcp(int source, int destination, long sequence, long acknowledgement, int flags, int window,
            int headerLength, int payload) {
        byte[] s = new byte[headerLength + payload];
        put16(s, 0, source);
        put16(s, 2, destination);
        put16(s, 4, (int) (sequence >>> 16));
        put16(s, 6, (int) sequence);
        put16(s, 8, (int) (acknowledgement >>> 16));
        put16(s, 10, (int) acknowledgement);
        s[12] = (byte) (headerLength / 4 << 4);
        s[13] = (byte) flags;
        put16(s, 14, window);
        return s;
    }

    private static void put16(byte[] b, int at, int value) {
        b[at] = (byte) (value >> 8);
        b[at + 1] = (byte) value;
    }

    private static byte[] inIpv4(int protocol, byte[] payload) throws Exception {
        return Packets.frame(Ethernet.IPV4, Packets.ipv4(protocol, payload, "127.0.0.1", "127.0.0.2"));
    }

    @Test
    void a_tcp_segment_is_recorded_with_its_ports_numbers_flags_window_and_payload_size() throws Exception {
        int flags = Packet.PSH | Packet.ACK;
        byte[] frame = inIpv4(Ipv4.TCP, tcp(40_000, 5001, 0xFFFF_FFF0L, 0x8000_0001L, flags, 65_483, 32, 13));
        Packet p = Capture.parse(frame);
        assertThat(p).isEqualTo(new Packet("TCP", Ethernet.IPV4, 14 + 20 + 32 + 13, "127.0.0.1", 40_000, "127.0.0.2",
                5001, flags, 0xFFFF_FFF0L, 0x8000_0001L, 65_483, 13, -1));
        assertThat(p.tcp()).isTrue();
        assertThat(p.has(Packet.PSH)).isTrue();
        assertThat(p.has(Packet.ACK)).isTrue();
        assertThat(p.has(Packet.FIN)).isFalse();
        assertThat(p.has(Packet.SYN)).isFalse();
        assertThat(p.has(Packet.RST)).isFalse();
        assertThat(p.from()).isEqualTo("127.0.0.1:40000");
        assertThat(p.to()).isEqualTo("127.0.0.2:5001");
        Packet portZero = new Packet("UDP", Ethernet.IPV4, 42, "127.0.0.1", 0, "127.0.0.2", 0, 0, 0, 0, -1, 0, -1);
        assertThat(portZero.from()).isEqualTo("127.0.0.1:0");
        assertThat(portZero.to()).isEqualTo("127.0.0.2:0");
    }

    @Test
    void an_ipv4_packet_without_a_link_header_as_the_link_carries_it_is_parsed_like_a_captured_frame() throws Exception {
        byte[] packet = Packets.ipv4(Ipv4.TCP, tcp(40_000, 5001, 7, 9, Packet.ACK, 1_000, 20, 1_448), "127.0.0.1", "127.0.0.2");
        Packet p = Capture.parseIpv4(packet);
        assertThat(p).isEqualTo(Capture.parse(Packets.frame(Ethernet.IPV4, packet)));
        assertThat(p.payloadLength()).isEqualTo(1_448);
        assertThat(p.from()).isEqualTo("127.0.0.1:40000");
        assertThatThrownBy(() -> Capture.parseIpv4(new byte[] {0x60, 0, 0, 0})).isInstanceOf(MalformedPacketException.class);
    }

    @Test
    void the_flag_constants_are_the_bits_of_the_tcp_header() {
        assertThat(List.of(Packet.FIN, Packet.SYN, Packet.RST, Packet.PSH, Packet.ACK)).containsExactly(1, 2, 4, 8, 16);
    }

    @Test
    void a_frame_kept_only_in_part_reports_the_sizes_its_headers_give() throws Exception {
        byte[] segment = inIpv4(Ipv4.TCP, tcp(1, 2, 0, 0, Packet.ACK, 100, 20, 9000));
        Packet cut = Capture.parse(Arrays.copyOf(segment, 256));
        assertThat(cut.payloadLength()).isEqualTo(9000);
        assertThat(cut.frameLength()).as("what was kept").isEqualTo(256);

        byte[] datagram = new byte[8 + 9000];
        put16(datagram, 0, 5004);
        put16(datagram, 2, 40_001);
        put16(datagram, 4, datagram.length);
        Packet udp = Capture.parse(Arrays.copyOf(inIpv4(Ipv4.UDP, datagram), 256));
        assertThat(udp).isEqualTo(new Packet("UDP", Ethernet.IPV4, 256, "127.0.0.1", 5004, "127.0.0.2", 40_001, 0, 0, 0, -1,
                9000, -1));
        assertThat(udp.tcp()).isFalse();
    }

    @Test
    void icmp_is_recorded_with_its_type_and_the_size_after_its_header() throws Exception {
        byte[] request = Transport.Icmp.echoRequest(7, 1, new byte[56]);
        Packet p = Capture.parse(inIpv4(Ipv4.ICMP, request));
        assertThat(p).isEqualTo(new Packet("ICMP", Ethernet.IPV4, 14 + 20 + 64, "127.0.0.1", -1, "127.0.0.2", -1, 0, 0, 0, -1,
                56, Transport.Icmp.ECHO_REQUEST));
        assertThat(p.from()).as("no ports").isEqualTo("127.0.0.1");
        assertThat(p.to()).isEqualTo("127.0.0.2");
        assertThat(Capture.parse(inIpv4(Ipv4.ICMP, new byte[0])).icmpType()).as("nothing to read a type from").isEqualTo(-1);
    }

    @Test
    void another_ip_protocol_ipv6_and_any_other_ethertype_are_recorded_by_their_size() throws Exception {
        assertThat(Capture.parse(inIpv4(47, new byte[30]))).isEqualTo(new Packet("IPv4", Ethernet.IPV4, 14 + 20 + 30,
                "127.0.0.1", -1, "127.0.0.2", -1, 0, 0, 0, -1, 30, -1));
        assertThat(Capture.parse(Packets.frame(0x86DD, new byte[40]))).isEqualTo(new Packet("IPv6", 0x86DD, 54, "", -1, "", -1,
                0, 0, 0, -1, 40, -1));
        Packet frame = Capture.parse(Packets.frame(Ethernet.LOCAL_EXPERIMENTAL, new byte[46]));
        assertThat(frame).isEqualTo(new Packet("ETH", Ethernet.LOCAL_EXPERIMENTAL, 60, "02:00:00:00:00:01", -1,
                "02:00:00:00:00:02", -1, 0, 0, 0, -1, 46, -1));
        assertThat(frame.from()).isEqualTo("02:00:00:00:00:01");
    }

    @Test
    void a_frame_too_short_for_its_headers_is_malformed() throws Exception {
        assertThatThrownBy(() -> Capture.parse(new byte[10])).isInstanceOf(MalformedPacketException.class);
        assertThatThrownBy(() -> Capture.parse(inIpv4(Ipv4.TCP, new byte[10]))).isInstanceOf(MalformedPacketException.class);
    }

    @Test
    void starting_on_an_interface_that_does_not_exist_fails_with_a_raw_socket_error() {
        // Without CAP_NET_RAW the socket itself is refused; with it, the interface is unknown: the same type either way.
        assertThatThrownBy(() -> Capture.start("no-such-if9")).isInstanceOf(RawSocketException.class);
    }
}
