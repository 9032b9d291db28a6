package sockets.framing;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The HOWTO's variant of a length prefix: five ASCII digits, then the body ({@code 00012hello world!}).
 * Kept because it teaches the split-prefix pitfall (F-10); prefer {@link LengthPrefixedReader}.
 *
 * <p><b>Not resumable</b>: after a read timeout ({@code SocketTimeoutException}) inside a frame,
 * the bytes of that frame read so far are lost and the reader has lost its place in the stream.
 * Use it without a read timeout, or close the connection on one.
 */
public final class AsciiLengthReader implements FrameReader {

    public static final int DIGITS = 5;

    private final InputStream in;
    private final int maxFrame;
    private final byte[] header = new byte[DIGITS];

    public AsciiLengthReader(InputStream in, int maxFrame) {
        this.in = in;
        this.maxFrame = Frames.checkLimit(maxFrame);
    }

    // tag::read-frame[]
    @Override
    public byte[] readFrame() throws IOException {
        int got = in.readNBytes(header, 0, DIGITS); // loop one: the whole prefix
        if (got == 0) {
            return null;
        }
        if (got < DIGITS) {
            throw new TruncatedFrameException("length prefix: got " + got + " of " + DIGITS + " digits",
                    Arrays.copyOf(header, got));
        }
        int length = 0;
        for (byte digit : header) {
            if (digit < '0' || digit > '9') {
                throw new FramingException("length prefix is not " + DIGITS + " ASCII digits: "
                        + Arrays.toString(header));
            }
            length = length * 10 + (digit - '0');
        }
        if (length > maxFrame) {
            throw FramingException.tooLarge(length, maxFrame);
        }
        return Frames.readBody(in, length, "frame body"); // loop two: the whole body
    }
    // end::read-frame[]
}
