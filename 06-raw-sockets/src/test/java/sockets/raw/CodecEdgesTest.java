package sockets.raw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The codecs' fields at their edges: unsigned values with the top bit set, lengths that disagree, every flag. */
@Tag("fix")
class CodecEdgesTest {

    @Test
    void mac_addresses_parse_with_colons_or_dashes_and_print_with_colons() {
        assertThat(Ethernet.mac("02-00-00-00-00-01")).isEqualTo(new byte[] {2, 0, 0, 0, 0, 1});
        assertThat(Ethernet.mac(new byte[] {(byte) 0xAB, 0, 0, 0, 0, (byte) 0xFF})).isEqualTo("ab:00:00:00:00:ff");
        assertThatThrownBy(() -> Ethernet.mac("02:00")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Ethernet.isGroupAddress(Ethernet.mac("01:00:5e:00:00:01"))).isTrue();
        assertThat(Ethernet.isGroupAddress(Ethernet.mac("02:00:00:00:00:01"))).isFalse();
        assertThat(Ethernet.isLocallyAdministered(Ethernet.mac("02:00:00:00:00:01"))).isTrue();
        assertThat(Ethernet.isLocallyAdministered(Ethernet.mac("00:1b:21:00:00:01"))).isFalse();
    }

    @Test
    void an_ethernet_frame_round_trips_with_an_ethertype_above_0x7fff() {
        Ethernet frame = new Ethernet(Ethernet.mac("02:00:00:00:00:02"), Ethernet.mac("02:00:00:00:00:01"), 0x88B5,
                new byte[] {9, 8, 7});
        Ethernet back = Ethernet.parse(frame.toBytes());
        assertThat(back.ethertype()).isEqualTo(0x88B5);
        assertThat(back.destination()).isEqualTo(frame.destination());
        assertThat(back.source()).isEqualTo(frame.source());
        assertThat(back.payload()).isEqualTo(new byte[] {9, 8, 7});
        assertThat(Ethernet.parse(new byte[14]).payload()).isEmpty();
    }

    @Test
    void tcp_sequence_numbers_are_unsigned_and_every_flag_has_its_name() {
        byte[] segment = new byte[20];
        segment[12] = 0x50;
        for (int i = 4; i < 12; i++) {
            segment[i] = (byte) 0xFF;
        }
        segment[13] = 0x3F;
        Transport.Tcp tcp = Transport.Tcp.parse(segment);
        assertThat(tcp.sequence()).isEqualTo(4_294_967_295L);
        assertThat(tcp.acknowledgement()).isEqualTo(4_294_967_295L);
        assertThat(tcp.flagNames()).isEqualTo("FIN,SYN,RST,PSH,ACK,URG");
        assertThat(tcp.headerLength()).isEqualTo(20);
        segment[0] = (byte) 0xC3;
        segment[1] = 0x50;
        segment[13] = 0;
        assertThat(Transport.Tcp.parse(segment).sourcePort()).isEqualTo(50_000);
        assertThat(Transport.Tcp.parse(segment).flagNames()).isEmpty();
    }

    @Test
    void a_udp_payload_is_cut_at_the_length_field_or_at_the_bytes_captured_whichever_is_less() {
        byte[] datagram = {0, 7, 0, 9, 0, 10, 0, 0, 'a', 'b', 'c', 'd'}; // length 10: two payload bytes
        Transport.Udp udp = Transport.Udp.parse(datagram);
        assertThat(udp.sourcePort()).isEqualTo(7);
        assertThat(udp.destinationPort()).isEqualTo(9);
        assertThat(udp.payload()).isEqualTo(new byte[] {'a', 'b'});
        datagram[5] = 20; // claims 12 payload bytes; only 4 were captured
        assertThat(Transport.Udp.parse(datagram).payload()).isEqualTo(new byte[] {'a', 'b', 'c', 'd'});
        datagram[5] = 8;
        assertThat(Transport.Udp.parse(datagram).payload()).isEmpty();
    }

    @Test
    void an_icmp_echo_request_parses_back_and_a_flipped_bit_breaks_its_checksum() {
        byte[] m = Transport.Icmp.echoRequest(0xBEEF, 0xFFFF, "ping".getBytes(StandardCharsets.US_ASCII));
        Transport.Icmp icmp = Transport.Icmp.parse(m);
        assertThat(icmp.type()).isEqualTo(Transport.Icmp.ECHO_REQUEST);
        assertThat(icmp.code()).isZero();
        assertThat(icmp.identifier()).isEqualTo(0xBEEF);
        assertThat(icmp.sequence()).isEqualTo(0xFFFF);
        assertThat(icmp.checksumValid()).isTrue();
        assertThat(icmp.payload()).asString(StandardCharsets.US_ASCII).isEqualTo("ping");
        m[9] ^= 1;
        assertThat(Transport.Icmp.parse(m).checksumValid()).isFalse();
    }

    @Test
    void ipv4_fields_come_out_as_sent_and_unknown_protocols_have_a_number_for_a_name() throws Exception {
        byte[] p = new byte[24];
        p[0] = 0x45;
        p[3] = 24;
        p[8] = (byte) 200; // TTL above 127: unsigned
        p[9] = 99;
        p[12] = 10;
        p[15] = 1;
        p[16] = (byte) 192;
        p[19] = 2;
        int sum = InternetChecksum.of(p, 0, 20);
        p[10] = (byte) (sum >> 8);
        p[11] = (byte) sum;
        Ipv4 ip = Ipv4.parse(p, 0);
        assertThat(ip.ttl()).isEqualTo(200);
        assertThat(ip.protocol()).isEqualTo(99);
        assertThat(ip.protocolName()).isEqualTo("protocol 99");
        assertThat(ip.headerLength()).isEqualTo(20);
        assertThat(ip.totalLength()).isEqualTo(24);
        assertThat(ip.source()).isEqualTo(InetAddress.getByName("10.0.0.1"));
        assertThat(ip.destination()).isEqualTo(InetAddress.getByName("192.0.0.2"));
        assertThat(ip.checksumValid()).isTrue();
        assertThat(ip.payload()).hasSize(4);
        p[8] = 1; // the checksum no longer matches
        assertThat(Ipv4.parse(p, 0).checksumValid()).isFalse();
        assertThat(new Ipv4(20, 20, 1, Ipv4.ICMP, null, null, true, new byte[0]).protocolName()).isEqualTo("ICMP");
        assertThat(new Ipv4(20, 20, 1, Ipv4.TCP, null, null, true, new byte[0]).protocolName()).isEqualTo("TCP");
        assertThat(new Ipv4(20, 20, 1, Ipv4.UDP, null, null, true, new byte[0]).protocolName()).isEqualTo("UDP");
    }

    @Test
    void an_ipv4_packet_may_start_at_an_offset_inside_a_larger_buffer() throws Exception {
        byte[] buffer = new byte[14 + 20];
        buffer[14] = 0x45;
        buffer[17] = 20;
        buffer[14 + 9] = Ipv4.UDP;
        assertThat(Ipv4.parse(buffer, 14).protocol()).isEqualTo(Ipv4.UDP);
        assertThatThrownBy(() -> Ipv4.parse(buffer, 20)).isInstanceOf(MalformedPacketException.class);
        assertThatThrownBy(() -> Ipv4.parse(buffer, -1)).isInstanceOf(MalformedPacketException.class);
    }

    @Test
    void the_checksum_pads_an_odd_last_byte_folds_every_carry_and_works_at_an_offset() {
        assertThat(InternetChecksum.of(new byte[] {0x01}, 0, 1)).isEqualTo(~0x0100 & 0xFFFF);
        byte[] carries = new byte[64];
        java.util.Arrays.fill(carries, (byte) 0xFF); // every word 0xFFFF: the sum needs folding, twice
        assertThat(InternetChecksum.of(carries, 0, carries.length)).isZero();
        byte[] shifted = {9, 9, 0x12, 0x34, 0x56, 0x78};
        assertThat(InternetChecksum.of(shifted, 2, 4)).isEqualTo(InternetChecksum.of(new byte[] {0x12, 0x34, 0x56, 0x78}, 0, 4));
        assertThat(InternetChecksum.of(new byte[0], 0, 0)).isEqualTo(0xFFFF);
        assertThat(InternetChecksum.valid(new byte[] {(byte) 0xFF, (byte) 0xFF}, 0, 2)).isTrue();
        assertThat(InternetChecksum.valid(new byte[] {0x00, 0x01}, 0, 2)).isFalse();
    }

    @Test
    void an_ethertype_is_a_16_bit_number_in_hex_or_decimal() throws Exception {
        assertThat(RawSend.parseEthertype("0x88B5")).isEqualTo(0x88B5);
        assertThat(RawSend.parseEthertype("2048")).isEqualTo(0x0800);
        assertThat(RawSend.parseEthertype("0")).isZero();
        assertThat(RawSend.parseEthertype("0xFFFF")).isEqualTo(0xFFFF);
        for (String bad : new String[] {"0x10000", "-1", "ip", ""}) {
            assertThatThrownBy(() -> RawSend.parseEthertype(bad)).as(bad).isInstanceOf(sockets.cli.CommandLine.UsageException.class);
        }
    }

    @Test
    void a_failed_call_without_the_privilege_says_how_to_get_it_and_other_failures_do_not() {
        RawSocketException denied = RawSocketException.of("socket(AF_PACKET, SOCK_RAW)", LibC.EPERM);
        assertThat(denied.permissionDenied()).isTrue();
        assertThat(denied.errno()).isEqualTo(LibC.EPERM);
        assertThat(denied.getMessage()).startsWith("socket(AF_PACKET, SOCK_RAW) failed: ").contains("CAP_NET_RAW");
        RawSocketException other = RawSocketException.of("recvfrom", LibC.EAGAIN);
        assertThat(other.permissionDenied()).isFalse();
        assertThat(other.getMessage()).startsWith("recvfrom failed: ").doesNotContain("CAP_NET_RAW");
    }
}
