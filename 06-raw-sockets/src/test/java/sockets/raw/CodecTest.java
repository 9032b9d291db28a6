package sockets.raw;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemoryLayout;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Unprivileged: frame and header building and parsing against byte vectors, and checksums against
 * values computed independently (RFC 1071's example, a textbook IPv4 header, and ICMP and UDP
 * vectors computed with a separate Python implementation of RFC 1071).
 */
@Tag("fix")
class CodecTest {

    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }

    @Test
    void internet_checksum_matches_the_example_in_rfc_1071() {
        assertThat(InternetChecksum.of(hex("0001 f203 f4f5 f6f7"), 0, 8)).isEqualTo(0x220d);
    }

    @Test
    void ipv4_header_checksum_is_computed_and_verified() {
        byte[] header = hex("4500 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7");
        assertThat(InternetChecksum.of(header, 0, 20)).isEqualTo(0xb861);
        header[10] = (byte) 0xb8;
        header[11] = 0x61;
        assertThat(InternetChecksum.valid(header, 0, 20)).isTrue();
        header[15] ^= 1; // one bit flipped in the source address
        assertThat(InternetChecksum.valid(header, 0, 20)).isFalse();
    }

    @Test
    void an_icmp_echo_request_is_built_with_the_right_checksum() {
        byte[] request = Transport.Icmp.echoRequest(1, 1, "abcd".getBytes(StandardCharsets.US_ASCII));
        assertThat(request).isEqualTo(hex("0800 3337 0001 0001 6162 6364"));
        Transport.Icmp parsed = Transport.Icmp.parse(request);
        assertThat(parsed.checksumValid()).isTrue();
        assertThat(parsed.identifier()).isEqualTo(1);
        assertThat(parsed.sequence()).isEqualTo(1);
    }

    @Test
    void a_udp_checksum_over_the_pseudo_header_is_verified() throws Exception {
        byte[] datagram = hex("04d2 162e 000a 7e6e 6869"); // 1234 -> 5678, "hi", checksum 0x7e6e
        byte[] header = hex("4500 001e 0000 4000 4011 0000 7f00 0001 7f00 0001");
        byte[] packet = new byte[30];
        System.arraycopy(header, 0, packet, 0, 20);
        System.arraycopy(datagram, 0, packet, 20, 10);
        int ipChecksum = InternetChecksum.of(packet, 0, 20);
        packet[10] = (byte) (ipChecksum >> 8);
        packet[11] = (byte) ipChecksum;

        Ipv4 ip = Ipv4.parse(packet, 0);
        Transport.Udp udp = Transport.Udp.parse(ip.payload());
        assertThat(ip.checksumValid()).isTrue();
        assertThat(ip.source()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(udp.sourcePort()).isEqualTo(1234);
        assertThat(udp.destinationPort()).isEqualTo(5678);
        assertThat(udp.payload()).isEqualTo("hi".getBytes(StandardCharsets.US_ASCII));
        assertThat(udp.checksumValid(ip, ip.payload())).isTrue();
    }

    @Test
    void tcp_flags_are_named() {
        byte[] segment = new byte[20];
        segment[12] = 0x50; // data offset: 5 words, the 20-byte header
        segment[13] = 0x12; // SYN + ACK
        assertThat(Transport.Tcp.parse(segment).flagNames()).isEqualTo("SYN,ACK");
        segment[13] = 0x04;
        assertThat(Transport.Tcp.parse(segment).flagNames()).isEqualTo("RST");
        segment[13] = 0x11;
        assertThat(Transport.Tcp.parse(segment).flagNames()).isEqualTo("FIN,ACK");
    }

    @Test
    void an_ethernet_frame_is_built_in_network_order_and_parsed_back() {
        Ethernet frame = new Ethernet(Ethernet.mac("02:00:00:00:00:02"), Ethernet.mac("02:00:00:00:00:01"),
                Ethernet.LOCAL_EXPERIMENTAL, "hi".getBytes(StandardCharsets.US_ASCII));
        byte[] bytes = frame.toBytes();
        assertThat(bytes).isEqualTo(hex("020000000002 020000000001 88b5 6869"));
        Ethernet back = Ethernet.parse(bytes);
        assertThat(back.ethertype()).isEqualTo(0x88B5);
        assertThat(Ethernet.mac(back.source())).isEqualTo("02:00:00:00:00:01");
        assertThat(back.payload()).isEqualTo("hi".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void the_seeds_source_mac_is_a_group_address_and_ours_is_local_unicast_bug32() {
        assertThat(Ethernet.isGroupAddress(Ethernet.mac("01:02:03:04:05:06"))).isTrue();
        byte[] ours = Ethernet.mac(RawSend.DEFAULT_SOURCE);
        assertThat(Ethernet.isGroupAddress(ours)).isFalse();
        assertThat(Ethernet.isLocallyAdministered(ours)).isTrue();
    }

    @Test
    void sockaddr_ll_has_the_linux_layout() {
        assertThat(LibC.SOCKADDR_LL.byteSize()).isEqualTo(20);
        assertThat(RawSocket.offset("sll_family")).isZero();
        assertThat(RawSocket.offset("sll_protocol")).isEqualTo(2);
        assertThat(RawSocket.offset("sll_ifindex")).isEqualTo(4);
        assertThat(RawSocket.offset("sll_hatype")).isEqualTo(8);
        assertThat(RawSocket.offset("sll_pkttype")).isEqualTo(10);
        assertThat(RawSocket.offset("sll_halen")).isEqualTo(11);
        assertThat(LibC.SOCKADDR_LL.byteOffset(MemoryLayout.PathElement.groupElement("sll_addr"))).isEqualTo(12);
        assertThat(LibC.SOCKADDR_IN.byteSize()).isEqualTo(16);
        assertThat(LibC.htons(0x88B5) & 0xFFFF).isEqualTo(java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN ? 0xB588 : 0x88B5);
    }

    @Test
    void the_sniffer_describes_a_udp_packet_in_one_line() {
        byte[] datagram = hex("04d2 162e 000a 7e6e 6869");
        byte[] ipHeader = hex("4500 001e 0000 4000 4011 0000 7f00 0001 7f00 0001");
        int c = InternetChecksum.of(ipHeader, 0, 20);
        ipHeader[10] = (byte) (c >> 8);
        ipHeader[11] = (byte) c;
        byte[] payload = new byte[30];
        System.arraycopy(ipHeader, 0, payload, 0, 20);
        System.arraycopy(datagram, 0, payload, 20, 10);
        byte[] frame = new Ethernet(new byte[6], new byte[6], Ethernet.IPV4, payload).toBytes();
        assertThat(RawSniff.describe(frame))
                .isEqualTo("UDP 127.0.0.1:1234 -> 127.0.0.1:5678, 2 bytes of data (ip checksum ok, udp checksum ok)");
    }
}
