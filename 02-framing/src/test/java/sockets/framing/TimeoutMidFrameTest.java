package sockets.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A read timeout in the middle of a frame, and delimiters that overlap themselves: two ways a
 * framed stream can lose its place without anyone noticing.
 */
class TimeoutMidFrameTest {

    /** Delivers its chunks one per read; a null chunk is a read timeout at that point. */
    private static InputStream timingOutAfter(byte[]... chunks) {
        Deque<byte[]> script = new ArrayDeque<>();
        for (byte[] c : chunks) {
            script.add(c == null ? new byte[0] : c);
        }
        return new InputStream() {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (script.isEmpty()) {
                    return -1;
                }
                byte[] next = script.peek();
                if (next.length == 0) {
                    script.poll();
                    throw new SocketTimeoutException("Read timed out"); // what SO_TIMEOUT throws
                }
                int n = Math.min(len, next.length);
                System.arraycopy(next, 0, b, off, n);
                script.poll();
                if (n < next.length) {
                    byte[] rest = new byte[next.length - n];
                    System.arraycopy(next, n, rest, 0, rest.length);
                    script.push(rest);
                }
                return n;
            }

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) == 1 ? one[0] & 0xFF : -1;
            }
        };
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Nested
    @Tag("pitfall")
    class Pitfall {

        @Test
        void a_reader_that_loses_the_bytes_read_before_a_timeout_reads_the_rest_of_the_body_as_a_new_frame()
                throws Exception {
            // Five-digit ASCII length, then the body: "00005hello" then "00002hi", and a timeout after "he".
            InputStream in = timingOutAfter(b("00005he"), null, b("llo00002hi"));
            AsciiLengthReader reader = new AsciiLengthReader(in, 1 << 20);
            assertThatThrownBy(reader::readFrame).isInstanceOf(SocketTimeoutException.class);
            // "he" is gone; the reader now takes "llo00" for a length prefix, which is no number.
            assertThatThrownBy(reader::readFrame).isInstanceOf(FramingException.class);
        }

        @Test
        void checking_only_that_the_message_contains_no_delimiter_lets_a_self_overlapping_delimiter_cut_a_frame()
                throws Exception {
            byte[] delimiter = b("\r\n\r\n");
            byte[] message = b("a\r\n"); // contains no "\r\n\r\n" ...
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            wire.write(message);
            wire.write(delimiter); // ... yet "a\r\n\r\n\r\n" has one at byte 1
            DelimitedReader reader = new DelimitedReader(ScriptedInputStream.of(wire.toByteArray()), delimiter, 1024);
            assertThat(reader.readFrame()).isEqualTo(b("a")).isNotEqualTo(message);
            assertThatThrownBy(reader::readFrame).isInstanceOf(TruncatedFrameException.class); // "\r\n" left over
        }
    }

    @Nested
    @Tag("fix")
    class Fix {

        @Test
        void the_length_prefixed_reader_keeps_a_partial_prefix_across_a_timeout() throws Exception {
            byte[] frame = ByteBuffer.allocate(9).putInt(5).put(b("hello")).array();
            InputStream in = timingOutAfter(new byte[] {frame[0], frame[1]}, null, java.util.Arrays.copyOfRange(frame, 2, 9));
            LengthPrefixedReader reader = new LengthPrefixedReader(in, 1 << 20);
            assertThatThrownBy(reader::readFrame).isInstanceOf(SocketTimeoutException.class);
            assertThat(reader.readFrame()).isEqualTo(b("hello"));
            assertThat(reader.readFrame()).isNull();
        }

        @Test
        void the_length_prefixed_reader_keeps_a_partial_body_across_timeouts_and_reads_the_next_frame_right()
                throws Exception {
            byte[] first = ByteBuffer.allocate(4 + 200_000).putInt(200_000).array(); // grows past 64 KiB
            for (int i = 4; i < first.length; i++) {
                first[i] = (byte) i;
            }
            byte[] second = ByteBuffer.allocate(6).putInt(2).put(b("ok")).array();
            InputStream in = timingOutAfter(java.util.Arrays.copyOfRange(first, 0, 70_000), null,
                    java.util.Arrays.copyOfRange(first, 70_000, 150_000), null, null,
                    java.util.Arrays.copyOfRange(first, 150_000, first.length), second);
            LengthPrefixedReader reader = new LengthPrefixedReader(in, 1 << 20);
            int timeouts = 0;
            byte[] got = null;
            while (got == null) {
                try {
                    got = reader.readFrame();
                } catch (SocketTimeoutException heartbeatTime) {
                    timeouts++; // where lesson 07's heartbeat would send its ping
                }
            }
            assertThat(timeouts).isEqualTo(3);
            assertThat(got).isEqualTo(java.util.Arrays.copyOfRange(first, 4, first.length));
            assertThat(reader.readFrame()).isEqualTo(b("ok"));
        }

        @Test
        void the_delimited_reader_keeps_a_partial_line_across_a_timeout() throws Exception {
            DelimitedReader reader = DelimitedReader.lines(timingOutAfter(b("hel"), null, b("lo\nnext\n")), 1024);
            assertThatThrownBy(reader::readFrame).isInstanceOf(SocketTimeoutException.class);
            assertThat(reader.readFrame()).isEqualTo(b("hello"));
            assertThat(reader.readFrame()).isEqualTo(b("next"));
        }

        @Test
        void the_delimited_writer_refuses_a_message_whose_end_would_complete_the_delimiter_early() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            DelimitedWriter writer = new DelimitedWriter(out, b("\r\n\r\n"), 1024);
            assertThatThrownBy(() -> writer.writeFrame(b("a\r\n"))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("byte 1");
            assertThatThrownBy(() -> writer.writeFrame(b("a\r\n\r\nb"))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> writer.writeFrame(b("\n\r\n"))).isInstanceOf(IllegalArgumentException.class);
            assertThat(out.size()).isZero(); // nothing half-written
        }

        @Test
        void the_delimited_writer_accepts_a_message_that_ends_in_part_of_the_delimiter_when_that_is_safe()
                throws Exception {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new DelimitedWriter(out, b("\r\n"), 1024).writeFrame(b("a\r")); // "a\r\r\n": first \r\n at byte 2
            DelimitedReader reader = new DelimitedReader(ScriptedInputStream.of(out.toByteArray()), b("\r\n"), 1024);
            assertThat(reader.readFrame()).isEqualTo(b("a\r"));
            assertThat(reader.readFrame()).isNull();
        }
    }
}
