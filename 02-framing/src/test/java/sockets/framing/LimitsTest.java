package sockets.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a reader does with lengths at and past its limit, with a stream that ends inside a frame,
 * and how much it allocates for a frame it refuses. Nothing here may be silently lost or grown.
 */
@Tag("fix")
class LimitsTest {

    private static final int MAX = 1 << 20;

    private static byte[] prefix(long length, int bodyBytes) {
        return ByteBuffer.allocate(4 + bodyBytes).putInt((int) length).array();
    }

    @ParameterizedTest(name = "a frame of {0} bytes is read whole")
    @ValueSource(ints = {0, 1, 65_536, 65_537, MAX})
    void frames_up_to_the_limit_are_read_whole(int length) throws Exception {
        byte[] body = new byte[length];
        Arrays.fill(body, (byte) 7);
        byte[] wire = ByteBuffer.allocate(4 + length).putInt(length).put(body).array();
        FrameReader reader = new LengthPrefixedReader(new ByteArrayInputStream(wire), MAX);
        assertThat(reader.readFrame()).isEqualTo(body);
        assertThat(reader.readFrame()).isNull();
    }

    @ParameterizedTest(name = "a declared length of {0} is refused")
    @ValueSource(longs = {MAX + 1L, Integer.MAX_VALUE, 0x8000_0000L, 0xFFFF_FFFFL})
    void lengths_over_the_limit_are_refused_with_the_length_in_the_message(long length) {
        FrameReader reader = new LengthPrefixedReader(new ByteArrayInputStream(prefix(length, 0)), MAX);
        assertThatThrownBy(reader::readFrame)
                .isInstanceOf(FramingException.class)
                .hasMessage("frame of " + length + " bytes exceeds the limit of " + MAX + " bytes");
    }

    @Test
    void a_refused_length_costs_no_allocation_anywhere_near_its_size() {
        FrameReader reader = new LengthPrefixedReader(new ByteArrayInputStream(prefix(Integer.MAX_VALUE, 0)), MAX);
        Throwable[] thrown = new Throwable[1];
        long allocated = allocatedBy(() -> thrown[0] = failureOf(reader));
        assertThat(thrown[0]).isInstanceOf(FramingException.class);
        assertThat(allocated).isLessThan(64 * 1024);
    }

    @Test
    void a_large_frame_that_never_arrives_costs_memory_in_proportion_to_what_did_arrive() {
        // Announces the full 1 MiB, sends 10 bytes, ends.
        byte[] wire = ByteBuffer.allocate(14).putInt(MAX).put(new byte[10]).array();
        FrameReader reader = new LengthPrefixedReader(new ByteArrayInputStream(wire), MAX);
        Throwable[] thrown = new Throwable[1];
        long allocated = allocatedBy(() -> thrown[0] = failureOf(reader));
        assertThat(thrown[0]).isInstanceOf(TruncatedFrameException.class);
        assertThat(allocated).isLessThan(MAX / 4);
    }

    @Test
    void a_stream_that_ends_inside_a_frame_is_reported_with_the_bytes_that_came() {
        byte[] wire = ByteBuffer.allocate(4 + 3).putInt(5).put("abc".getBytes(StandardCharsets.US_ASCII)).array();
        FrameReader reader = new LengthPrefixedReader(new ByteArrayInputStream(wire), MAX);
        assertThatThrownBy(reader::readFrame)
                .isInstanceOfSatisfying(TruncatedFrameException.class, e -> assertThat(e.partial()).containsExactly('a', 'b', 'c'))
                .hasMessageContaining("got 3 of 5 bytes");
    }

    @Test
    void a_stream_that_ends_inside_the_length_prefix_is_reported_too() {
        FrameReader reader = new LengthPrefixedReader(new ByteArrayInputStream(new byte[] {0, 0}), MAX);
        assertThatThrownBy(reader::readFrame).isInstanceOf(TruncatedFrameException.class)
                .hasMessageContaining("length prefix: got 2 of 4 bytes");
    }

    @Test
    void a_line_longer_than_the_limit_is_refused_without_buffering_more_than_the_limit() {
        byte[] endless = new byte[10_000];
        Arrays.fill(endless, (byte) 'x');
        FrameReader reader = DelimitedReader.lines(new ByteArrayInputStream(endless), 100);
        assertThatThrownBy(reader::readFrame).isInstanceOf(FramingException.class)
                .hasMessage("more than 100 bytes without a delimiter");
    }

    @Test
    void a_line_of_exactly_the_limit_is_accepted() throws Exception {
        byte[] line = new byte[101];
        Arrays.fill(line, (byte) 'x');
        line[100] = '\n';
        FrameReader reader = DelimitedReader.lines(new ByteArrayInputStream(line), 100);
        assertThat(reader.readFrame()).hasSize(100);
    }

    @Test
    void ascii_length_prefix_with_a_non_digit_is_malformed() {
        FrameReader reader = new AsciiLengthReader(new ByteArrayInputStream("00x12hello".getBytes(StandardCharsets.US_ASCII)), MAX);
        assertThatThrownBy(reader::readFrame).isInstanceOf(FramingException.class).hasMessageContaining("not 5 ASCII digits");
    }

    @Test
    void an_unknown_type_byte_is_malformed() {
        FrameReader reader = new TypedReader(new ByteArrayInputStream(new byte[] {9, 1, 2}), java.util.Map.of(1, 2));
        assertThatThrownBy(reader::readFrame).isInstanceOf(FramingException.class).hasMessage("unknown message type 0x09");
    }

    @Test
    void close_delimited_reader_refuses_a_message_over_the_limit() {
        FrameReader reader = new CloseDelimitedReader(new ByteArrayInputStream(new byte[101]), 100);
        assertThatThrownBy(reader::readFrame).isInstanceOf(FramingException.class);
    }

    @Test
    void writers_refuse_what_the_other_side_would_refuse() {
        var sink = new java.io.ByteArrayOutputStream();
        assertThatThrownBy(() -> new LengthPrefixedWriter(sink, 10).writeFrame(new byte[11]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FixedLengthWriter(sink, 10).writeFrame(new byte[9]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DelimitedWriter.lines(sink, 10).writeFrame("a\nb".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TypedWriter(sink, java.util.Map.of(1, 2)).writeFrame(new byte[] {1, 0}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(sink.size()).isZero();
    }

    private static Throwable failureOf(FrameReader reader) {
        try {
            reader.readFrame();
            return null;
        } catch (Exception e) {
            return e;
        }
    }

    /** Bytes allocated by this thread while {@code action} ran (HotSpot's per-thread counter). */
    static long allocatedBy(Runnable action) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        List.of(1, 2).forEach(i -> threads.getThreadAllocatedBytes(id)); // warm the counter's own path
        long before = threads.getThreadAllocatedBytes(id);
        action.run();
        return threads.getThreadAllocatedBytes(id) - before;
    }
}
