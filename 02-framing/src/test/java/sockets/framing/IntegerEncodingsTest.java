package sockets.framing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * F-12, the size half of the claim, measured exactly: bytes per value for 100,000 values of each
 * distribution. The HOWTO's "0 as ASCII is 2 bytes" counts the digit plus a terminator.
 */
@Tag("fix")
class IntegerEncodingsTest {

    private static double bytesPerValue(String encoding, String distribution) {
        int[] values = IntegerEncodings.sample(distribution, 100_000, new Random(12));
        byte[] wire = new byte[values.length * 12];
        int length = IntegerEncodings.encode(encoding, values, wire);
        long expected = 0;
        for (int v : values) {
            expected += v;
        }
        assertThat(IntegerEncodings.decodeSum(encoding, wire, length)).isEqualTo(expected); // round trip
        return (double) length / values.length;
    }

    @Test
    void ascii_beats_four_byte_binary_only_for_small_numbers_and_varint_beats_both() {
        assertThat(bytesPerValue("ascii", "zero-or-one")).isEqualTo(2.0);
        assertThat(bytesPerValue("int32", "zero-or-one")).isEqualTo(4.0);
        assertThat(bytesPerValue("varint", "zero-or-one")).isEqualTo(1.0);

        assertThat(bytesPerValue("ascii", "below-1000")).isBetween(3.8, 4.0); // mostly 3 digits + newline
        assertThat(bytesPerValue("varint", "below-1000")).isBetween(1.9, 2.0);

        assertThat(bytesPerValue("ascii", "uniform-int32")).isGreaterThan(10.0); // sign, 10 digits, newline
        assertThat(bytesPerValue("int32", "uniform-int32")).isEqualTo(4.0);
        assertThat(bytesPerValue("varint", "uniform-int32")).isBetween(4.8, 5.0);
    }

    @Test
    void print_the_table_for_the_readme() {
        for (String d : new String[] {"zero-or-one", "below-1000", "uniform-int32"}) {
            System.out.printf("%-14s ascii %.2f  int32 %.2f  varint %.2f bytes/value%n", d,
                    bytesPerValue("ascii", d), bytesPerValue("int32", d), bytesPerValue("varint", d));
        }
    }
}
