// Reads into an 8 KiB buffer and checks the limit only when the buffer is full and must grow: a line longer than maxFrame whose delimiter is already in the buffer is returned.
// fails: 5 | even when its delimiter is already in the buffer
package sockets.framing.exercises;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import sockets.framing.FramingException;
import sockets.framing.TruncatedFrameException;
import sockets.framing.FrameReader;

public final class DelimitedReader implements FrameReader {

    private final InputStream in;
    private final byte[] delimiter;
    private final int maxFrame;

    public DelimitedReader(InputStream in, byte[] delimiter, int maxFrame) {
        this.in = in;
        this.delimiter = delimiter.clone();
        this.maxFrame = maxFrame;
    }

    private byte[] buffer = new byte[8192];
    private int start;
    private int end;

    @Override
    public byte[] readFrame() throws IOException {
        int from = start;
        while (true) {
            int at = indexOf(from);
            if (at >= 0) {
                byte[] line = Arrays.copyOfRange(buffer, start, at); // the mistake: at - start is never compared with maxFrame
                start = at + delimiter.length;
                return line;
            }
            from = Math.max(start, end - delimiter.length + 1);
            if (end == buffer.length) {
                if (start > 0) {
                    System.arraycopy(buffer, start, buffer, 0, end - start);
                    from -= start;
                    end -= start;
                    start = 0;
                } else if (buffer.length >= maxFrame + delimiter.length) {
                    throw new FramingException("more than " + maxFrame + " bytes without a delimiter");
                } else {
                    buffer = Arrays.copyOf(buffer, (int) Math.min(2L * buffer.length, (long) maxFrame + delimiter.length));
                }
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
