package sockets.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every writer, byte for byte: the exact bytes on the wire, the limits at both edges, and a flush,
 * so that a frame written through a buffered stream is really sent (a writer behind a
 * {@link BufferedOutputStream} that did not flush would leave the peer waiting).
 */
@Tag("fix")
class WritersTest {

    /** Records what reached it, and how many write calls it took. */
    private static final class Wire extends FilterOutputStream {
        final ByteArrayOutputStream bytes;
        int writes;

        Wire() {
            this(new ByteArrayOutputStream());
        }

        private Wire(ByteArrayOutputStream bytes) {
            super(bytes);
            this.bytes = bytes;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            writes++;
            bytes.write(b, off, len);
        }

        String hex() {
            return HexFormat.of().formatHex(bytes.toByteArray());
        }
    }

    /** A buffered stream in front of the wire: only a flush gets the bytes through. */
    private static OutputStream buffered(Wire wire) {
        return new BufferedOutputStream(wire, 1 << 20);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void length_prefixed_writes_a_big_endian_unsigned_length_then_the_body_and_flushes() throws Exception {
        Wire wire = new Wire();
        LengthPrefixedWriter writer = new LengthPrefixedWriter(buffered(wire), 1 << 20);
        writer.writeFrame(b("hi"));
        assertThat(wire.hex()).isEqualTo("000000026869");
        byte[] body = new byte[0x01_11_70]; // 70,000: every header byte but the first is non-zero
        writer.writeFrame(body);
        assertThat(Arrays.copyOfRange(wire.bytes.toByteArray(), 6, 10)).isEqualTo(new byte[] {0, 0x01, 0x11, 0x70});
        assertThat(wire.bytes.size()).isEqualTo(6 + 4 + 70_000);
    }

    @Test
    void length_prefixed_sends_a_small_frame_in_one_write_and_a_large_one_in_two() throws Exception {
        Wire small = new Wire();
        new LengthPrefixedWriter(small, 1 << 20).writeFrame(new byte[100]);
        assertThat(small.writes).isEqualTo(1); // header and body in one segment: no Nagle stall
        Wire large = new Wire();
        new LengthPrefixedWriter(large, 1 << 20).writeFrame(new byte[1 << 19]);
        assertThat(large.writes).isEqualTo(2); // no copy of a large body just to prepend 4 bytes
    }

    @Test
    void length_prefixed_takes_a_frame_of_exactly_the_limit_and_refuses_one_byte_more() throws Exception {
        Wire wire = new Wire();
        LengthPrefixedWriter writer = new LengthPrefixedWriter(wire, 10);
        writer.writeFrame(new byte[10]);
        assertThat(wire.bytes.size()).isEqualTo(14);
        assertThatThrownBy(() -> writer.writeFrame(new byte[11])).isInstanceOf(IllegalArgumentException.class);
        assertThat(wire.bytes.size()).isEqualTo(14); // nothing of the refused frame was written
    }

    @Test
    void delimited_appends_the_delimiter_flushes_and_minds_the_limit() throws Exception {
        Wire wire = new Wire();
        DelimitedWriter writer = new DelimitedWriter(buffered(wire), b("\r\n"), 5);
        writer.writeFrame(b("abcde"));
        assertThat(wire.bytes.toString(StandardCharsets.US_ASCII)).isEqualTo("abcde\r\n");
        assertThatThrownBy(() -> writer.writeFrame(b("abcdef"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DelimitedWriter(wire, new byte[0], 5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ascii_length_writes_five_digits_then_the_body_up_to_99999_bytes() throws Exception {
        Wire wire = new Wire();
        AsciiLengthWriter writer = new AsciiLengthWriter(buffered(wire));
        writer.writeFrame(b("hello"));
        assertThat(wire.bytes.toString(StandardCharsets.US_ASCII)).isEqualTo("00005hello");
        writer.writeFrame(new byte[99_999]);
        assertThat(wire.bytes.toString(StandardCharsets.US_ASCII)).startsWith("00005hello99999");
        assertThatThrownBy(() -> writer.writeFrame(new byte[100_000])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fixed_length_writes_exactly_its_length_and_nothing_else() throws Exception {
        Wire wire = new Wire();
        FixedLengthWriter writer = new FixedLengthWriter(buffered(wire), 4);
        writer.writeFrame(b("abcd"));
        assertThat(wire.bytes.toString(StandardCharsets.US_ASCII)).isEqualTo("abcd");
        assertThatThrownBy(() -> writer.writeFrame(b("abc"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> writer.writeFrame(b("abcde"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void typed_writes_type_and_body_of_the_agreed_length_and_refuses_unknown_types() throws Exception {
        Wire wire = new Wire();
        TypedWriter writer = new TypedWriter(buffered(wire), Map.of(1, 2, 255, 0));
        writer.writeFrame(new byte[] {1, 'o', 'k'});
        writer.writeFrame(new byte[] {(byte) 255});
        assertThat(wire.hex()).isEqualTo("016f6bff");
        assertThatThrownBy(() -> writer.writeFrame(new byte[] {1, 'x'})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> writer.writeFrame(new byte[] {0})).as("type 0 was never declared")
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> writer.writeFrame(new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TypedWriter(wire, Map.of(256, 1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TypedWriter(wire, Map.of(-1, 1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TypedWriter(wire, Map.of(2, -1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_delimited_reader_compacts_and_grows_its_buffer_without_losing_or_moving_a_byte() throws Exception {
        // Limit 20,000: the buffer starts at 8 KiB, so long lines make it grow, and many short ones
        // after a long one make it move the unread bytes to the front. Cut at odd places.
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        java.util.List<byte[]> lines = new java.util.ArrayList<>();
        java.util.Random random = new java.util.Random(11);
        for (int i = 0; i < 300; i++) {
            byte[] line = new byte[i % 50 == 0 ? 15_000 + random.nextInt(4_000) : random.nextInt(300)];
            for (int k = 0; k < line.length; k++) {
                line[k] = (byte) ('a' + random.nextInt(26));
            }
            lines.add(line);
            wire.write(line);
            wire.write('\n');
        }
        byte[] all = wire.toByteArray();
        int[] cuts = java.util.stream.IntStream.iterate(997, c -> c < all.length, c -> c + 997).toArray();
        DelimitedReader reader = DelimitedReader.lines(ScriptedInputStream.splitAt(all, cuts), 20_000);
        for (byte[] line : lines) {
            assertThat(reader.readFrame()).isEqualTo(line);
        }
        assertThat(reader.readFrame()).isNull();
    }

    @Test
    void frame_limits_run_from_1_to_the_largest_array_java_allows() {
        assertThat(Frames.checkLimit(1)).isEqualTo(1);
        assertThat(Frames.checkLimit(Frames.LARGEST_LIMIT)).isEqualTo(Frames.LARGEST_LIMIT);
        assertThatThrownBy(() -> Frames.checkLimit(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Frames.checkLimit(Frames.LARGEST_LIMIT + 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void every_writer_and_its_reader_agree_on_frames_at_and_around_their_limits() throws Exception {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        LengthPrefixedWriter lp = new LengthPrefixedWriter(wire, 300);
        for (int size : new int[] {0, 1, 255, 256, 299, 300}) {
            lp.writeFrame(new byte[size]);
        }
        LengthPrefixedReader reader = new LengthPrefixedReader(ScriptedInputStream.of(wire.toByteArray()), 300);
        for (int size : new int[] {0, 1, 255, 256, 299, 300}) {
            assertThat(reader.readFrame()).hasSize(size);
        }
        assertThat(reader.readFrame()).isNull();
    }
}
