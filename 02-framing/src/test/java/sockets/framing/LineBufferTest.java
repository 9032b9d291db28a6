package sockets.framing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The line reader's buffer and read-ahead, and the line writer's two ways of writing, checked by
 * what they do rather than by what they allocate (that is {@link MemoryTest}).
 */
@Tag("fix")
class LineBufferTest {

    private static byte[] line(int length, byte fill) {
        byte[] b = new byte[length + 1];
        Arrays.fill(b, 0, length, fill);
        b[length] = '\n';
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void afterALongLine_theBufferShrinksTo8KiB_whenWhatIsLeftFits() throws IOException {
        byte[] rest = Arrays.copyOf(line(8191, (byte) 'b'), 8192); // exactly 8192 bytes read ahead
        DelimitedReader reader = DelimitedReader.lines(new ByteArrayInputStream(concat(line(100_000, (byte) 'a'), rest)), 1 << 20);
        assertThat(reader.readFrame()).hasSize(100_000);
        assertThat(reader.buffered()).isEqualTo(8192);
        assertThat(reader.bufferSize()).isEqualTo(8192);
        assertThat(reader.readFrame()).hasSize(8191);
        assertThat(reader.buffered()).isZero();
    }

    @Test
    void afterALongLine_theBufferIsKept_whileMoreThan8KiBIsReadAhead() throws IOException {
        byte[] rest = line(20_000, (byte) 'b');
        DelimitedReader reader = DelimitedReader.lines(new ByteArrayInputStream(concat(line(100_000, (byte) 'a'), rest)), 1 << 20);
        assertThat(reader.readFrame()).hasSize(100_000);
        assertThat(reader.buffered()).isGreaterThan(8192);
        assertThat(reader.bufferSize()).isGreaterThan(8192);
        byte[] second = reader.readFrame();
        assertThat(second).hasSize(20_000).containsOnly('b');
        assertThat(reader.bufferSize()).isEqualTo(8192);
    }

    @Test
    void buffered_countsExactlyTheBytesReadAheadOfTheFrameReturned() throws IOException {
        DelimitedReader reader = DelimitedReader.lines(new ByteArrayInputStream(concat(line(3, (byte) 'a'), line(5, (byte) 'b'))), 100);
        assertThat(reader.buffered()).isZero();
        assertThat(reader.readFrame()).hasSize(3);
        assertThat(reader.buffered()).isEqualTo(6);
        assertThat(new LengthPrefixedReader(new ByteArrayInputStream(new byte[0]), 10).buffered()).isZero();
    }

    @Test
    void theWriter_writesMessagesEitherSideOf8KiB_wholeWithTheirDelimiter() throws IOException {
        for (int length : new int[] {8191, 8192, 8193, 100_000}) {
            byte[] message = new byte[length];
            Arrays.fill(message, (byte) 'm');
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new DelimitedWriter(out, new byte[] {'\r', '\n'}, 1 << 20).writeFrame(message);
            assertThat(out.toByteArray()).as("%d bytes", length).isEqualTo(concat(message, new byte[] {'\r', '\n'}));
        }
    }

    @Test
    void theWriter_refusesALongMessageWhoseEndCompletesTheDelimiter() {
        byte[] message = new byte[10_000];
        Arrays.fill(message, (byte) 'x');
        message[message.length - 2] = '\r';
        message[message.length - 1] = '\n'; // "...\r\n" then "\r\n\r\n": the delimiter starts 2 bytes early
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DelimitedWriter writer = new DelimitedWriter(out, "\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 1 << 20);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> writer.writeFrame(message))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at byte 9998");
        assertThat(out.size()).isZero();
    }
}
