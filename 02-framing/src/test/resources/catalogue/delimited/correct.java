// Keeps what follows the delimiter, searches across reads, checks the limit (also on a line whose delimiter came in the same read): it must pass every stage.
// passes
package sockets.framing.exercises;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import sockets.framing.FramingException;
import sockets.framing.TruncatedFrameException;
import sockets.framing.FrameReader;

/**
 * EXERCISE delimited (02-framing/run exercise delimited): write a reader for frames that end with
 * a delimiter ({@code \n}, or {@code \r\n}, or any non-empty byte sequence). The frame it returns
 * does not include the delimiter.
 *
 * <p>What the stages ask, in order: a line in one read; a line that comes one byte per read; two
 * lines in one read (the second must not be lost); a two-byte delimiter split between two reads;
 * more than {@code maxFrame} bytes without a delimiter refused, with at most
 * {@code maxFrame + delimiter.length} bytes held ({@link sockets.framing.FramingException}); the
 * stream ending inside a frame ({@link sockets.framing.TruncatedFrameException}); a read timeout in
 * the middle of a line that loses nothing. {@code readFrame} returns null when the stream ends
 * between frames.
 */
public final class DelimitedReader implements FrameReader {

    private final InputStream in;
    private final byte[] delimiter;
    private final int maxFrame;

    public DelimitedReader(InputStream in, byte[] delimiter, int maxFrame) {
        this.in = in;
        this.delimiter = delimiter.clone();
        this.maxFrame = maxFrame;
    }

    private byte[] pending = new byte[0];

    @Override
    public byte[] readFrame() throws IOException {
        int searched = 0;
        while (true) {
            int at = indexOf(pending, Math.max(0, searched - delimiter.length + 1));
            if (at > maxFrame) {
                throw new FramingException("more than " + maxFrame + " bytes without a delimiter"); // even with the delimiter in the same read
            }
            if (at >= 0) {
                byte[] line = Arrays.copyOf(pending, at);
                pending = Arrays.copyOfRange(pending, at + delimiter.length, pending.length);
                return line;
            }
            searched = pending.length;
            if (pending.length > maxFrame + delimiter.length) {
                throw new FramingException("no delimiter within " + maxFrame + " bytes");
            }
            byte[] chunk = new byte[8192];
            int n = in.read(chunk);
            if (n < 0) {
                if (pending.length == 0) {
                    return null;
                }
                throw new TruncatedFrameException("the stream ended inside a line", pending);
            }
            byte[] more = Arrays.copyOf(pending, pending.length + n);
            System.arraycopy(chunk, 0, more, pending.length, n);
            pending = more;
        }
    }

    private int indexOf(byte[] bytes, int from) {
        outer:
        for (int i = from; i + delimiter.length <= bytes.length; i++) {
            for (int j = 0; j < delimiter.length; j++) {
                if (bytes[i + j] != delimiter[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
