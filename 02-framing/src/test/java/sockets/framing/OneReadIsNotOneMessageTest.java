package sockets.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * TCP delivers bytes, not messages: one read can return part of a message (F-01), several messages
 * (F-09), a type byte with part of its body (F-06), half a multi-byte character (F-07), or part of
 * a length prefix (F-10); and the bytes of a number mean nothing without an agreed order (F-11).
 * Each case is scripted with {@link ScriptedInputStream}, so the split is the same on every run.
 */
class OneReadIsNotOneMessageTest {

    private static final byte[] HELLO = "hello world!".getBytes(StandardCharsets.US_ASCII);

    static byte[] lengthPrefixed(byte[]... messages) {
        ByteBuffer b = ByteBuffer.allocate(java.util.Arrays.stream(messages).mapToInt(m -> 4 + m.length).sum());
        for (byte[] m : messages) {
            b.putInt(m.length).put(m);
        }
        return b.array();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Nested
    @Tag("pitfall")
    class Pitfall {

        @Test
        void one_read_returns_part_of_a_message_when_it_arrives_in_two_pieces() throws Exception {
            InputStream in = ScriptedInputStream.splitAt(HELLO, 4);
            assertThat(NaiveFraming.readMessage(in)).asString(StandardCharsets.US_ASCII).isEqualTo("hell");
        }

        @Test
        void one_read_returns_two_messages_when_they_arrive_back_to_back() throws Exception {
            InputStream in = ScriptedInputStream.of(ascii("A\nB\n"));
            assertThat(NaiveFraming.readMessage(in)).asString(StandardCharsets.US_ASCII).isEqualTo("A\nB\n");
        }

        @Test
        void a_new_buffered_reader_per_message_throws_away_what_it_read_ahead() throws Exception {
            InputStream in = ScriptedInputStream.of(ascii("A\nB\n"));
            assertThat(NaiveFraming.readLineWithFreshReader(in)).isEqualTo("A");
            assertThat(NaiveFraming.readLineWithFreshReader(in)).isNull(); // "B" was in the first reader's buffer
        }

        @Test
        void reading_the_type_byte_with_a_large_read_drops_the_body_bytes_that_came_with_it() throws Exception {
            // type 0x01 has a 6-byte body; the first chunk brings the type and 3 body bytes
            InputStream in = ScriptedInputStream.of(ascii("\u0001abc"), ascii("def"), ascii("\u0001ghijkl"));
            byte[] first = NaiveFraming.readTypedFrame(in, 6);
            // "abc" came with the type byte and is gone; the body is made up from what followed,
            // including the start of the next frame.
            assertThat(first).asString(StandardCharsets.US_ASCII).isEqualTo("\u0001def\u0001gh");
        }

        @Test
        void decoding_each_read_on_its_own_corrupts_a_character_split_between_reads() throws Exception {
            byte[] text = "café\r\n".getBytes(StandardCharsets.UTF_8); // é is C3 A9
            int insideE = 4; // between C3 and A9
            InputStream in = ScriptedInputStream.splitAt(text, insideE);
            assertThat(NaiveFraming.decodeEachRead(in)).isEqualTo("caf\uFFFD\uFFFD\r\n");
        }

        @Test
        void a_five_digit_length_read_with_one_read_is_misparsed_when_only_two_digits_arrived() throws Exception {
            InputStream in = ScriptedInputStream.of(ascii("00"), ascii("012hello world!"));
            assertThat(NaiveFraming.readAsciiLengthFrame(in)).isEmpty(); // "00" parsed as length 0
            assertThatThrownBy(() -> NaiveFraming.readAsciiLengthFrame(in)).isInstanceOf(NumberFormatException.class);
        }

        @Test
        void a_length_written_little_endian_and_read_in_network_order_is_16_MiB_instead_of_1() {
            // A sender that writes its length in the machine's order (little-endian on x86) ...
            byte[] wire = ByteBuffer.allocate(5).order(ByteOrder.LITTLE_ENDIAN).putInt(1).put((byte) 'x').array();
            // ... and a reader that follows the protocol (network order) sees 16 MiB announced.
            FrameReader reader = new LengthPrefixedReader(ScriptedInputStream.of(wire), 1 << 20);
            assertThatThrownBy(reader::readFrame).isInstanceOf(FramingException.class).hasMessageContaining("16777216");
        }
    }

    @Nested
    @Tag("fix")
    class Fix {

        @Test
        void length_prefixed_reader_reassembles_a_message_delivered_in_two_pieces() throws Exception {
            byte[] wire = lengthPrefixed(HELLO);
            FrameReader reader = new LengthPrefixedReader(ScriptedInputStream.splitAt(wire, 6), 1024);
            assertThat(reader.readFrame()).isEqualTo(HELLO);
            assertThat(reader.readFrame()).isNull();
        }

        @Test
        void one_reader_per_connection_yields_back_to_back_messages_one_at_a_time() throws Exception {
            FrameReader reader = DelimitedReader.lines(ScriptedInputStream.of(ascii("A\nB\n")), 1024);
            assertThat(reader.readFrame()).asString(StandardCharsets.US_ASCII).isEqualTo("A");
            assertThat(reader.readFrame()).asString(StandardCharsets.US_ASCII).isEqualTo("B");
            assertThat(reader.readFrame()).isNull();
        }

        @Test
        void typed_reader_keeps_the_body_bytes_that_arrived_with_the_type_byte() throws Exception {
            InputStream in = new BufferedInputStream(
                    ScriptedInputStream.of(ascii("\u0001abc"), ascii("def"), ascii("\u0001ghijkl")));
            FrameReader reader = new TypedReader(in, Map.of(1, 6));
            assertThat(reader.readFrame()).asString(StandardCharsets.US_ASCII).isEqualTo("\u0001abcdef");
            assertThat(reader.readFrame()).asString(StandardCharsets.US_ASCII).isEqualTo("\u0001ghijkl");
            assertThat(reader.readFrame()).isNull();
        }

        @Test
        void framing_first_then_decoding_the_whole_frame_keeps_the_character() throws Exception {
            byte[] text = "café\r\n".getBytes(StandardCharsets.UTF_8);
            FrameReader reader = new DelimitedReader(ScriptedInputStream.splitAt(text, 4, 5), ascii("\r\n"), 1024);
            assertThat(new String(reader.readFrame(), StandardCharsets.UTF_8)).isEqualTo("café");
        }

        @Test
        void two_loops_read_the_five_digit_length_and_then_the_body() throws Exception {
            FrameReader reader = new AsciiLengthReader(ScriptedInputStream.of(ascii("00"), ascii("012hello world!")), 1024);
            assertThat(reader.readFrame()).isEqualTo(HELLO);
            assertThat(reader.readFrame()).isNull();
        }

        @Test
        void both_sides_in_network_order_agree_on_1() throws Exception {
            byte[] wire = ByteBuffer.allocate(5).putInt(1).put((byte) 'x').array(); // ByteBuffer is big-endian
            assertThat(new LengthPrefixedReader(new ByteArrayInputStream(wire), 16).readFrame()).containsExactly('x');
        }
    }
}
