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
    void the_readme_table_quotes_exactly_these_sizes() throws Exception {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
        String[][] rows = {{"all 0 or 1", "zero-or-one"}, {"uniform below 1000", "below-1000"},
            {"uniform over all `int`", "uniform-int32"}};
        for (String[] row : rows) {
            String expected = String.format(java.util.Locale.ROOT, "| %s | %.2f, ", row[0], bytesPerValue("ascii", row[1]));
            assertThat(readme).as("F-12 row for %s", row[0]).contains(expected);
            assertThat(readme).contains(String.format(java.util.Locale.ROOT, "| %.2f, ", bytesPerValue("int32", row[1])))
                    .contains(String.format(java.util.Locale.ROOT, "| %.2f, ", bytesPerValue("varint", row[1])));
        }
    }
}
