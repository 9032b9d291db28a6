// Matches the delimiter one byte at a time with a counter that drops to 0 on a mismatch without looking at that byte again: with \r\n, a line ending in a stray \r (\r\r\n) loses its delimiter and runs into the next line.
// fails: 4 | when a byte breaks a partial match
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
    private int scanned; // bytes after start already fed to the matcher
    private int matched; // how many bytes of the delimiter the last bytes scanned matched

    @Override
    public byte[] readFrame() throws IOException {
        while (true) {
            while (start + scanned < end) {
                byte b = buffer[start + scanned];
                scanned++;
                if (b == delimiter[matched]) {
                    matched++;
                    if (matched == delimiter.length) {
                        byte[] line = Arrays.copyOfRange(buffer, start, start + scanned - delimiter.length);
                        start += scanned;
                        scanned = 0;
                        matched = 0;
                        return line;
                    }
                } else {
                    matched = 0; // the mistake: b itself may start the delimiter again (\r\r\n)
                }
            }
            if (end - start > maxFrame + delimiter.length - 1) {
                throw new FramingException("more than " + maxFrame + " bytes without a delimiter");
            }
            if (end == buffer.length) {
                if (start > 0) {
                    System.arraycopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
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
}
