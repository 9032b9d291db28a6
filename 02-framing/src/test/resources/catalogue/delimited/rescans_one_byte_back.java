// After each read, searches again from one byte before the new bytes (enough for \r\n): a delimiter of three or more bytes, such as \r\n\r\n, split with two or more of its bytes in the earlier read is never found.
// fails: 4 | not from one byte before
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

    private byte[] pending = new byte[0];

    @Override
    public byte[] readFrame() throws IOException {
        int from = 0;
        while (true) {
            int at = indexOf(pending, from);
            if (at >= 0) {
                byte[] line = Arrays.copyOf(pending, at);
                pending = Arrays.copyOfRange(pending, at + delimiter.length, pending.length);
                return line;
            }
            from = Math.max(0, pending.length - 1); // the mistake: a split \r\n needs one byte back; a longer delimiter needs length - 1
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
