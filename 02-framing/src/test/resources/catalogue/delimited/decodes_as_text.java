// Keeps what it has read as text (a StringBuilder of UTF-8 decoded reads) and searches for the delimiter as a String: bytes that are not UTF-8, and a multi-byte character split between two reads, come back changed.
// fails: 8 | a frame is bytes, not text
package sockets.framing.exercises;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.nio.charset.StandardCharsets;
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

    private final StringBuilder pending = new StringBuilder();

    @Override
    public byte[] readFrame() throws IOException {
        String delim = new String(delimiter, StandardCharsets.UTF_8);
        int from = 0;
        while (true) {
            int at = pending.indexOf(delim, from);
            if (at > maxFrame) {
                throw new FramingException("more than " + maxFrame + " bytes without a delimiter");
            }
            if (at >= 0) {
                String line = pending.substring(0, at);
                pending.delete(0, at + delim.length());
                return line.getBytes(StandardCharsets.UTF_8); // the mistake: bytes went through text on the way
            }
            from = Math.max(0, pending.length() - delim.length() + 1);
            if (pending.length() > maxFrame + delim.length() - 1) {
                throw new FramingException("more than " + maxFrame + " bytes without a delimiter");
            }
            byte[] chunk = new byte[8192];
            int n = in.read(chunk);
            if (n < 0) {
                if (pending.length() == 0) {
                    return null;
                }
                throw new TruncatedFrameException("the stream ended inside a line", pending.toString().getBytes(StandardCharsets.UTF_8));
            }
            pending.append(new String(chunk, 0, n, StandardCharsets.UTF_8));
        }
    }
}
