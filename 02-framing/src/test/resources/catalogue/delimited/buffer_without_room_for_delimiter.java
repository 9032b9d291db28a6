// A fixed buffer of exactly maxFrame bytes, compacted as lines are taken: a line of exactly the limit fills it with no room left for its delimiter, and is refused.
// fails: 8 | longest line allowed
package sockets.framing.exercises;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import sockets.framing.FrameReader;
import sockets.framing.FramingException;
import sockets.framing.TruncatedFrameException;

/**
 * EXERCISE delimited (02-framing/run exercise delimited): write a reader for frames that end with
 * a delimiter ({@code \n}, or {@code \r\n}, or any non-empty byte sequence). The frame it returns
 * does not include the delimiter.
 */
public final class DelimitedReader implements FrameReader {

    private final InputStream in;
    private final byte[] delimiter;
    private final byte[] buffer;
    private int start; // unread bytes are buffer[start, end)
    private int end;

    public DelimitedReader(InputStream in, byte[] delimiter, int maxFrame) {
        this.in = in;
        this.delimiter = delimiter.clone();
        this.buffer = new byte[maxFrame]; // room for the longest line, but not for its delimiter
    }

    @Override
    public byte[] readFrame() throws IOException {
        int from = start;
        while (true) {
            int at = indexOf(from);
            if (at >= 0) {
                byte[] line = Arrays.copyOfRange(buffer, start, at);
                start = at + delimiter.length;
                return line;
            }
            from = Math.max(start, end - delimiter.length + 1);
            if (end == buffer.length) {
                if (start == 0) {
                    throw new FramingException("more than " + buffer.length + " bytes without a delimiter");
                }
                System.arraycopy(buffer, start, buffer, 0, end - start);
                from -= start;
                end -= start;
                start = 0;
            }
            int n = in.read(buffer, end, buffer.length - end);
            if (n < 0) {
                if (start == end) {
                    return null;
                }
                throw new TruncatedFrameException("the stream ended inside a line", Arrays.copyOfRange(buffer, start, end));
            }
            end += n;
        }
    }

    private int indexOf(int from) {
        outer:
        for (int i = from; i + delimiter.length <= end; i++) {
            for (int j = 0; j < delimiter.length; j++) {
                if (buffer[i + j] != delimiter[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
