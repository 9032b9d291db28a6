package sockets.raw.exercises;

import static sockets.exercise.Teach.check;
import static sockets.exercise.Teach.hex;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import sockets.exercise.NotWrittenYet;
import sockets.exercise.Teach;
import sockets.exercise.Who;
import sockets.raw.Ipv4;
import sockets.raw.MalformedPacketException;

/** The stages of the ipv4-header exercise; the reference is {@link Ipv4#parse}. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(Who.Resolver.class)
class Ipv4HeaderStages {

    private static final String README = " (06-raw-sockets/README.md, \"Building and checking packets\")";
    /** A UDP packet from 192.168.0.1 to 192.168.0.199, TTL 64, total length 0x73 = 115, with a right checksum. */
    private static final String HEADER = "45000073000040004011b861c0a80001c0a800c7";
    /** TCP from 10.0.0.1 to 10.0.0.2, TTL 5, total length 0x0123 = 291 (above 255), with a right checksum. */
    private static final String BIG_AT_OFFSET = "450001231c4640000506448d0a0000010a000002";
    /** ICMP on 127.0.0.1, TTL 255, total length 20: a header with no payload, with a right checksum. */
    private static final String HEADER_ONLY = "450000141c464000ff0161a07f0000017f000001";

    interface Parser {
        Ipv4 parse(byte[] packet, int offset);
    }

    private static Parser subject(Who who) {
        return who.pick(() -> Ipv4Header::parse, () -> Ipv4::parse, null);
    }

    private static byte[] packet(String header, int payload) {
        byte[] h = HexFormat.of().parseHex(header);
        byte[] p = Arrays.copyOf(h, h.length + payload);
        for (int i = h.length; i < p.length; i++) {
            p[i] = (byte) i;
        }
        return p;
    }

    /** {@code bytes} at {@code offset} in a buffer whose first bytes are something else (0xEE). */
    private static byte[] at(int offset, byte[] bytes) {
        byte[] buffer = new byte[offset + bytes.length];
        Arrays.fill(buffer, 0, offset, (byte) 0xEE);
        System.arraycopy(bytes, 0, buffer, offset, bytes.length);
        return buffer;
    }

    private static String describe(Ipv4 got) {
        return got == null ? "null" : "IHL " + got.headerLength() + ", total " + got.totalLength() + ", TTL " + got.ttl()
                + ", protocol " + got.protocol() + ", " + got.source().getHostAddress() + " -> " + got.destination().getHostAddress()
                + ", checksum " + (got.checksumValid() ? "valid" : "wrong") + ", payload " + got.payload().length + " bytes from 0x"
                + (got.payload().length > 0 ? Integer.toHexString(got.payload()[0] & 0xFF) : "-");
    }

    /** Parses a packet that is an IPv4 packet: refusing it is a failure that says why it was refused. */
    private static Ipv4 accepted(Who who, byte[] packet, int offset) {
        try {
            return subject(who).parse(packet, offset);
        } catch (MalformedPacketException e) {
            String sent = packet.length > 64 ? hex(Arrays.copyOf(packet, 20)) + " and " + String.format("%,d", packet.length - 20) + " bytes of payload" : hex(packet);
            throw Teach.failure(offset == 0 ? sent : sent + " at offset " + offset, "refused: " + e.getMessage(), "an Ipv4",
                    "this is a well-formed IPv4 packet; a refusal of one usually means a field read wrongly: a byte of 0x80 or"
                            + " more is negative in Java, mask it (& 0xFF) before you shift it or use it as a number" + README);
        }
    }

    private static void refused(Who who, byte[] packet, String expectedWhy) {
        refused(who, packet, 0, expectedWhy);
    }

    private static void refused(Who who, byte[] packet, int offset, String expectedWhy) {
        String sent = offset == 0 ? hex(packet) : hex(packet) + " at offset " + offset;
        try {
            Ipv4 got = subject(who).parse(packet, offset);
            throw Teach.failure(sent, String.valueOf(got), "MalformedPacketException", expectedWhy + README);
        } catch (MalformedPacketException expected) {
            // right
        } catch (NotWrittenYet e) {
            throw e;
        } catch (RuntimeException e) {
            throw Teach.failure(sent, Teach.thrown(e), "MalformedPacketException",
                    "bytes from a raw socket are anyone's: the parser must check each length before using it, and say what is wrong" + README);
        }
    }

    @Test
    @Order(1)
    @DisplayName("1. a well-formed header: every field")
    void wellFormed(Who who) {
        byte[] p = packet(HEADER, 95);
        Ipv4 got = accepted(who, p, 0);
        String expected = "IHL 20, total 115, TTL 64, protocol 17, 192.168.0.1 -> 192.168.0.199, checksum valid, payload 95 bytes from 0x14";
        String actual = describe(got);
        check(actual.equals(expected), hex(p), actual, expected, "the fields sit at fixed offsets, in network (big-endian) order" + README);
        // At offset 7 of a buffer, total length 291 (both of its bytes count): every field is read from the offset on.
        byte[] q = at(7, packet(BIG_AT_OFFSET, 271));
        expected = "IHL 20, total 291, TTL 5, protocol 6, 10.0.0.1 -> 10.0.0.2, checksum valid, payload 271 bytes from 0x14";
        actual = describe(accepted(who, q, 7));
        check(actual.equals(expected), hex(q) + " at offset 7", actual, expected,
                "every field is at offset + its position, and the total length is two bytes, the first one worth 256 each" + README);
        // A header and nothing else: 20 bytes, total length 20, is the smallest well-formed packet.
        byte[] bare = HexFormat.of().parseHex(HEADER_ONLY);
        expected = "IHL 20, total 20, TTL 255, protocol 1, 127.0.0.1 -> 127.0.0.1, checksum valid, payload 0 bytes from 0x-";
        actual = describe(accepted(who, bare, 0));
        check(actual.equals(expected), hex(bare), actual, expected,
                "exactly 20 bytes with a total length of 20 is a whole packet with an empty payload: the limits are inclusive" + README);
        // Every field with its top bit set: TTL 200, protocol 132 (SCTP), total length 35,000 (0x88b8,
        // both bytes 0x80 or more). A Java byte of 0x80 or more is negative until it is masked.
        byte[] high = withChecksum(packet("450088b800004000c884" + "0000" + "ac10fe01" + "c0a8c8fe", 35_000 - 20));
        expected = "IHL 20, total 35000, TTL 200, protocol 132, 172.16.254.1 -> 192.168.200.254, checksum valid, payload 34980 bytes from 0x14";
        actual = describe(accepted(who, high, 0));
        check(actual.equals(expected), hex(Arrays.copyOf(high, 20)) + " and 34,980 bytes of payload", actual, expected,
                "a byte of 0x80 or more is negative in Java: mask it (& 0xFF) before you shift it or use it as a number" + README);
    }

    /** The packet with its header checksum (bytes 10 and 11, over IHL * 4 bytes) filled in. */
    private static byte[] withChecksum(byte[] packet) {
        int ihl = (packet[0] & 0xF) * 4;
        packet[10] = 0;
        packet[11] = 0;
        int sum = sockets.raw.InternetChecksum.of(packet, 0, ihl);
        packet[10] = (byte) (sum >> 8);
        packet[11] = (byte) sum;
        return packet;
    }

    @Test
    @Order(2)
    @DisplayName("2. a wrong checksum is reported, not thrown")
    void wrongChecksum(Who who) {
        byte[] p = packet(HEADER, 95);
        p[8] = 1; // TTL 1: the checksum no longer matches
        Ipv4 got = accepted(who, p, 0);
        check(got != null && !got.checksumValid() && got.ttl() == 1, hex(p), String.valueOf(got),
                "TTL 1, checksumValid false", "a sniffer shows damaged packets too; it must say which they are" + README);
    }

    @Test
    @Order(3)
    @DisplayName("3. options: IHL 6 means a 24-byte header")
    void options(Who who) {
        byte[] p = withChecksum(packet("46000020000040004011" + "0000" + "c0a80001c0a800c7" + "01010100", 8));
        Ipv4 got = accepted(who, p, 0);
        check(got != null && got.headerLength() == 24 && got.payload().length == 8 && got.payload()[0] == 24, hex(p),
                got == null ? "null" : "IHL " + got.headerLength() + ", payload " + got.payload().length + " bytes",
                "IHL 24, payload 8 bytes starting at byte 24", "the payload starts after IHL * 4 bytes, not always at 20" + README);
        check(got.checksumValid(), hex(p), "checksum wrong", "checksum valid",
                "the checksum covers all IHL * 4 header bytes, the options too: summed over 20 bytes it looks wrong" + README);
        p[23] ^= 0x01; // damage an option byte: only a sum over the whole header sees it
        got = accepted(who, p, 0);
        check(got != null && !got.checksumValid(), hex(p), got == null ? "null" : got.checksumValid() ? "checksum valid" : "checksum wrong",
                "checksum wrong", "the checksum covers all IHL * 4 header bytes: a damaged option is a damaged header" + README);
    }

    @Test
    @Order(4)
    @DisplayName("4. fewer than 20 bytes are refused")
    void tooShort(Who who) {
        refused(who, Arrays.copyOf(HexFormat.of().parseHex(HEADER), 12), "an IPv4 header has at least 20 bytes");
        refused(who, new byte[0], "an IPv4 header has at least 20 bytes");
        refused(who, at(30, new byte[0]), 30, "at offset 30 of 30 bytes there is nothing left: count what is left after the offset");
    }

    @Test
    @Order(5)
    @DisplayName("5. fields that contradict the length are refused")
    void contradictions(Who who) {
        byte[] ihl4 = packet(HEADER, 95);
        ihl4[0] = 0x44;
        refused(who, ihl4, "IHL 4 (16 bytes) is below the minimum of 5 words");
        byte[] ihl15 = packet(HEADER, 10);
        ihl15[0] = 0x4f;
        refused(who, ihl15, "IHL 15 (60 bytes) is more than the 30 bytes received");
        refused(who, at(20, ihl15), 20, "IHL 15 (60 bytes) is more than the 30 bytes after offset 20");
        byte[] total = packet(HEADER, 95);
        total[2] = 0;
        total[3] = 10;
        refused(who, total, "total length 10 is less than the header's 20 bytes");
        byte[] v6 = packet(HEADER, 95);
        v6[0] = 0x65;
        refused(who, v6, "version 6 is not IPv4");
    }

    @Test
    @Order(6)
    @DisplayName("6. a capture cut short: the payload is what is there")
    void cutShort(Who who) {
        byte[] p = packet(HEADER, 30); // the header says 115 bytes; only 50 were captured
        Ipv4 got = accepted(who, p, 0);
        check(got != null && got.totalLength() == 115 && got.payload().length == 30, hex(p),
                got == null ? "null" : "total " + got.totalLength() + ", payload " + got.payload().length + " bytes",
                "total 115, payload 30 bytes", "a capture may keep only the first bytes of a packet; that is not malformed" + README);
    }

    @Test
    @Order(7)
    @DisplayName("7. 5,000 random inputs: an Ipv4 or a MalformedPacketException, nothing else")
    void fuzz(Who who) {
        Random random = new Random(7);
        Parser parser = subject(who);
        for (int i = 0; i < 5000; i++) {
            byte[] p = new byte[random.nextInt(80)];
            random.nextBytes(p);
            if (p.length > 0 && random.nextBoolean()) {
                p[0] = (byte) (0x40 | (p[0] & 0x0F)); // version 4, so the checks past the version run too
            }
            try {
                parser.parse(p, 0);
            } catch (MalformedPacketException expected) {
                // right
            } catch (NotWrittenYet e) {
                throw e;
            } catch (RuntimeException e) {
                throw Teach.failure("random input " + i + " (seed 7): " + hex(p), Teach.thrown(e), "an Ipv4 or MalformedPacketException",
                        "any other exception is a length that was used before it was checked" + README);
            }
        }
    }
}
