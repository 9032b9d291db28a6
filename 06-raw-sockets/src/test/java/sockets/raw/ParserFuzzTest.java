package sockets.raw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A raw socket receives whatever anyone on the machine sends, so the parsers meet hostile bytes.
 * Seeded fuzzing, in the default build: random bytes of every short length, and valid packets
 * mutated (bits flipped, cut short, length fields rewritten). The only exception that may escape
 * a parser is {@link MalformedPacketException}; anything else (an index out of bounds, a negative
 * array size) is a bug this test reports with the seed and the input that found it.
 */
@Tag("fix")
class ParserFuzzTest {

    private static final long SEED = 0x5EED_06L;
    private static final int INPUTS_PER_PARSER = 20_000;

    private static void fuzz(String name, Consumer<byte[]> parser, List<byte[]> valid) {
        Random random = new Random(SEED ^ name.hashCode());
        for (int i = 0; i < INPUTS_PER_PARSER; i++) {
            byte[] input = i % 2 == 0 || valid.isEmpty() ? randomBytes(random) : mutate(random, valid.get(random.nextInt(valid.size())));
            try {
                parser.accept(input);
            } catch (MalformedPacketException declared) {
                // the one way to refuse bytes
            } catch (RuntimeException e) {
                throw new AssertionError(name + " threw " + e + " for input " + i + " (seed " + SEED + "): "
                        + java.util.HexFormat.of().formatHex(input), e);
            }
        }
    }

    private static byte[] randomBytes(Random random) {
        byte[] b = new byte[random.nextInt(80)];
        random.nextBytes(b);
        return b;
    }

    private static byte[] mutate(Random random, byte[] valid) {
        byte[] b = valid.clone();
        switch (random.nextInt(4)) {
            case 0 -> b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8)); // flip a bit
            case 1 -> b = Arrays.copyOf(b, random.nextInt(b.length)); // cut short
            case 2 -> { // rewrite a byte that is often a length or offset field
                int[] fields = {0, 2, 3, 12, 14, 16, 17, 18, 24, 26, 32, 34};
                int at = fields[random.nextInt(fields.length)];
                if (at < b.length) {
                    b[at] = (byte) random.nextInt(256);
                }
            }
            default -> { // several random bytes
                for (int k = 0; k < 4; k++) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
            }
        }
        return b;
    }

    private static byte[] ipv4(int protocol, byte[] payload) throws Exception {
        return Packets.ipv4(protocol, payload, "127.0.0.1", "127.0.0.1");
    }

    private static byte[] ethernet(byte[] ip) {
        return Packets.frame(Ethernet.IPV4, ip);
    }

    private static List<byte[]> validFrames() throws Exception {
        byte[] tcp = new byte[24];
        tcp[12] = 0x60; // 24-byte header
        tcp[13] = 0x12;
        byte[] udp = {0x13, (byte) 0x88, 0x13, (byte) 0x89, 0, 12, 0, 0, 'a', 'b', 'c', 'd'};
        byte[] icmp = Transport.Icmp.echoRequest(7, 1, "ping".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return List.of(ethernet(ipv4(Ipv4.TCP, tcp)), ethernet(ipv4(Ipv4.UDP, udp)), ethernet(ipv4(Ipv4.ICMP, icmp)));
    }

    @Test
    void every_parser_throws_only_malformed_packet_for_fuzzed_input() throws Exception {
        List<byte[]> frames = validFrames();
        List<byte[]> packets = frames.stream().map(f -> Arrays.copyOfRange(f, Ethernet.HEADER, f.length)).toList();
        List<byte[]> transports = packets.stream().map(p -> Arrays.copyOfRange(p, 20, p.length)).toList();
        fuzz("Ethernet.parse", Ethernet::parse, frames);
        fuzz("Ipv4.parse", b -> Ipv4.parse(b, 0), packets);
        fuzz("Udp.parse", Transport.Udp::parse, transports);
        fuzz("Tcp.parse", Transport.Tcp::parse, transports);
        fuzz("Icmp.parse", Transport.Icmp::parse, transports);
        fuzz("RawSniff.matches", b -> RawSniff.matches(b, "tcp", 5001), frames);
        fuzz("RawSniff.describe", b -> assertThat(RawSniff.describe(b)).isNotBlank(), frames);
    }

    @Test
    void a_four_byte_icmp_message_from_anyone_is_refused_as_malformed_not_a_crash() throws Exception {
        byte[] tiny = ipv4(Ipv4.ICMP, new byte[] {0, 0, 0, 0});
        Ipv4 ip = Ipv4.parse(tiny, 0);
        assertThatThrownBy(() -> Transport.Icmp.parse(ip.payload())).isInstanceOf(MalformedPacketException.class);
        assertThat(RawSniff.describe(ethernet(tiny))).startsWith("MALFORMED");
    }

    @Test
    void an_ipv4_header_whose_lengths_contradict_the_bytes_is_malformed() throws Exception {
        byte[] p = ipv4(Ipv4.UDP, new byte[8]);
        p[0] = 0x44; // IHL 4: 16 bytes, below the minimum
        assertThatThrownBy(() -> Ipv4.parse(p, 0)).isInstanceOf(MalformedPacketException.class).hasMessageContaining("below");
        p[0] = 0x4F; // IHL 15: 60 bytes, more than there are
        assertThatThrownBy(() -> Ipv4.parse(p, 0)).isInstanceOf(MalformedPacketException.class);
        p[0] = 0x45;
        p[2] = 0;
        p[3] = 10; // total length 10 < header 20
        assertThatThrownBy(() -> Ipv4.parse(p, 0)).isInstanceOf(MalformedPacketException.class).hasMessageContaining("total");
    }
}
