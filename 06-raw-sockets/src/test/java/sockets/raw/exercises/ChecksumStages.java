package sockets.raw.exercises;

import static sockets.exercise.Teach.check;
import static sockets.exercise.Teach.hex;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import sockets.exercise.Who;

/** The stages of the checksum exercise; the reference is {@link sockets.raw.InternetChecksum}. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(Who.Resolver.class)
class ChecksumStages {

    private static final String README = " (06-raw-sockets/README.md, \"Building and checking packets\")";

    interface Checksum {
        int of(byte[] data, int offset, int length);
    }

    private static Checksum subject(Who who) {
        return who.pick(() -> InternetChecksum::of, () -> sockets.raw.InternetChecksum::of, null);
    }

    private static void expect(Who who, String hexBytes, int expected, String why) {
        byte[] data = HexFormat.of().parseHex(hexBytes);
        int got = subject(who).of(data, 0, data.length);
        check(got == expected, hex(data), String.format("0x%04x", got), String.format("0x%04x", expected), why + README);
    }

    @Test
    @Order(1)
    @DisplayName("1. RFC 1071's example")
    void rfcExample(Who who) {
        expect(who, "0001f203f4f5f6f7", 0x220d,
                "sum the 16-bit big-endian words 0001 + f203 + f4f5 + f6f7 = 2ddf0, fold to ddf2, complement: 220d");
    }

    @Test
    @Order(2)
    @DisplayName("2. an odd number of bytes: the last one is padded with a zero byte")
    void oddLength(Who who) {
        expect(who, "0001f203f4f5f6", 0x2304, "the last byte f6 counts as the word f600");
    }

    @Test
    @Order(3)
    @DisplayName("3. carries are folded back in")
    void carries(Who who) {
        expect(who, "ffff0001", 0xfffe, "ffff + 0001 = 10000: the carry is added back (0000 + 1 = 0001), then complemented");
    }

    @Test
    @Order(4)
    @DisplayName("4. only the bytes from offset for length count")
    void offsetAndLength(Who who) {
        byte[] data = HexFormat.of().parseHex("ffffff" + "0001f203f4f5f6f7" + "ffff");
        int got = subject(who).of(data, 3, 8);
        check(got == 0x220d, hex(data) + ", offset 3, length 8", String.format("0x%04x", got), "0x220d",
                "a header sits inside a bigger packet buffer: sum only its bytes" + README);
    }

    @Test
    @Order(5)
    @DisplayName("5. a real IPv4 header: its checksum, and the header checked with it")
    void ipv4Header(Who who) {
        expect(who, "450000730000400040110000c0a80001c0a800c7", 0xb861,
                "computed with the checksum field (bytes 10 and 11) set to zero");
        expect(who, "45000073000040004011b861c0a80001c0a800c7", 0x0000,
                "with the right checksum in its field, the header's checksum is 0: that is how a receiver checks it");
    }

    @Test
    @Order(6)
    @DisplayName("6. any data with its checksum filled in sums to zero (1,000 random buffers)")
    void anyData(Who who) {
        Random random = new Random(6);
        Checksum checksum = subject(who);
        for (int i = 0; i < 1000; i++) {
            byte[] data = new byte[2 * (2 + random.nextInt(700))];
            random.nextBytes(data);
            int field = 2 * random.nextInt(data.length / 2);
            data[field] = 0;
            data[field + 1] = 0;
            int sum = checksum.of(data, 0, data.length);
            data[field] = (byte) (sum >> 8);
            data[field + 1] = (byte) sum;
            int again = checksum.of(data, 0, data.length);
            check(again == 0, "random buffer " + i + " (seed 6), " + data.length + " bytes, checksum 0x"
                    + Integer.toHexString(sum) + " written at byte " + field, String.format("0x%04x", again), "0x0000",
                    "the one's complement sum of data plus its complement is ffff, complemented 0: if not, a word or a carry was lost" + README);
        }
    }
}
