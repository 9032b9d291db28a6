package sockets.framing;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/** Writes frames for {@link DelimitedReader}: the bytes, then the delimiter. */
public final class DelimitedWriter implements FrameWriter {

    private final OutputStream out;
    private final byte[] delimiter;
    private final int maxFrame;

    /** Up to this many bytes, message and delimiter are copied together and written in one call. */
    static final int ONE_WRITE = 8192;

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

    /**
     * Writes {@code message} and the delimiter. A short message (up to 8 KiB) is copied into one
     * array with its delimiter and written at once; a longer one is written as it is, then the
     * delimiter, with no copy: the writer adds no more than 8 KiB to what the caller holds.
     */
    @Override
    public void writeFrame(byte[] message) throws IOException {
        if (message.length > maxFrame) {
            throw new IllegalArgumentException("message of " + message.length + " bytes exceeds the frame limit of " + maxFrame);
        }
        // The reader ends the frame at the first delimiter it finds, so that must be the one we
        // appended. Checking the message alone is not enough: with \r\n\r\n, the message "a\r\n"
        // has no delimiter in it, yet "a\r\n" + "\r\n\r\n" contains one at byte 1.
        int first = firstDelimiter(message);
        if (first != message.length) {
            throw new IllegalArgumentException("message would contain the delimiter at byte " + first);
        }
        if (message.length <= ONE_WRITE) {
            byte[] frame = Arrays.copyOf(message, message.length + delimiter.length);
            System.arraycopy(delimiter, 0, frame, message.length, delimiter.length);
            out.write(frame);
        } else {
            out.write(message);
            out.write(delimiter);
        }
        out.flush();
    }

    /** Where the delimiter first occurs in {@code message} followed by the delimiter, without building it. */
    private int firstDelimiter(byte[] message) {
        for (int i = 0; i < message.length; i++) {
            if (matchesAt(message, i)) {
                return i;
            }
        }
        return message.length;
    }

    private boolean matchesAt(byte[] message, int i) {
        for (int j = 0; j < delimiter.length; j++) {
            int k = i + j;
            byte b = k < message.length ? message[k] : delimiter[k - message.length];
            if (b != delimiter[j]) {
                return false;
            }
        }
        return true;
    }
}
