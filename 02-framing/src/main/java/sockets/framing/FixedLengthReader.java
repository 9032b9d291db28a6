package sockets.framing;

import java.io.IOException;
import java.io.InputStream;

/**
 * Frames of one agreed length: the HOWTO's {@code MySocket}, done right. Simple, and wasteful for
 * short messages; the HOWTO's verdict is "yuck", but some binary protocols are built this way.
 *
 * <p><b>Not resumable</b>: after a read timeout ({@code SocketTimeoutException}) inside a frame,
 * the bytes of that frame read so far are lost and the reader has lost its place in the stream.
 * Use it without a read timeout, or close the connection on one.
 */
public final class FixedLengthReader implements FrameReader {

    private final InputStream in;
    private final int length;

    public FixedLengthReader(InputStream in, int length) {
        this.in = in;
        this.length = Frames.checkLimit(length);
    }

    @Override
    public byte[] readFrame() throws IOException {
        int first = in.read();
        if (first == -1) {
            return null; // clean end, between frames
        }
        byte[] rest = Frames.readBody(in, length - 1, "fixed-length frame");
        byte[] frame = new byte[length];
        frame[0] = (byte) first;
        System.arraycopy(rest, 0, frame, 1, rest.length);
        return frame;
    }
}
