// Returns null when a read times out with nothing buffered, as if the stream had ended: an idle but healthy peer looks closed.
// fails: 7 | a read timeout before any byte of a line
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
        int searched = 0;
        while (true) {
            int at = indexOf(pending, Math.max(0, searched - delimiter.length + 1));
            if (at > maxFrame) {
                throw new FramingException("more than " + maxFrame + " bytes without a delimiter");
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
            int n;
            try {
                n = in.read(chunk);
            } catch (java.net.SocketTimeoutException e) {
                if (pending.length == 0) {
                    return null; // the mistake: nothing buffered and nothing came, "so the peer is gone"
                }
                throw e;
            }
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
