package sockets.framing;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/** Writes frames for {@link DelimitedReader}: the bytes, then the delimiter, in one write. */
public final class DelimitedWriter implements FrameWriter {

    private final OutputStream out;
    private final byte[] delimiter;
    private final int maxFrame;

    public DelimitedWriter(OutputStream out, byte[] delimiter, int maxFrame) {
        if (delimiter.length == 0) {
            throw new IllegalArgumentException("empty delimiter");
        }
        this.out = out;
        this.delimiter = delimiter.clone();
        this.maxFrame = Frames.checkLimit(maxFrame);
    }

    public static DelimitedWriter lines(OutputStream out, int maxFrame) {
        return new DelimitedWriter(out, new byte[] {'\n'}, maxFrame);
    }

    @Override
    public void writeFrame(byte[] message) throws IOException {
        if (message.length > maxFrame) {
            throw new IllegalArgumentException("message of " + message.length + " bytes exceeds the frame limit of " + maxFrame);
        }
        byte[] frame = new byte[message.length + delimiter.length];
        System.arraycopy(message, 0, frame, 0, message.length);
        System.arraycopy(delimiter, 0, frame, message.length, delimiter.length);
        // The reader ends the frame at the first delimiter it finds, so that must be the one we
        // appended. Checking the message alone is not enough: with \r\n\r\n, the message "a\r\n"
        // has no delimiter in it, yet "a\r\n" + "\r\n\r\n" contains one at byte 1.
        int first = indexOf(frame, delimiter);
        if (first != message.length) {
            throw new IllegalArgumentException("message would contain the delimiter at byte " + first);
        }
        out.write(frame);
        out.flush();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }
}
