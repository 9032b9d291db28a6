package sockets.framing;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Frames that start with their length: 4 bytes, big-endian (network order), unsigned. The
 * strategy the HOWTO calls "much better", and the one to use unless a protocol says otherwise.
 * Wire format: {@code [length: u32 big-endian][length bytes]}.
 *
 * <p>A read timeout ({@code SocketTimeoutException}) in the middle of a frame loses nothing: the
 * bytes read so far are kept, and the next {@link #readFrame()} carries on where this one stopped.
 * That is what a heartbeat needs (lesson 07): time out, send a ping, read again.
 */
public final class LengthPrefixedReader implements FrameReader {

    private final InputStream in;
    private final int maxFrame;
    private final byte[] header = new byte[4];
    private int headerGot; // bytes of the length prefix read so far
    private byte[] body; // the frame being read, once its length is known; grows as bytes arrive
    private int length;
    private int bodyGot;

    /** @param in give it a buffered stream: every frame costs at least two reads */
    public LengthPrefixedReader(InputStream in, int maxFrame) {
        this.in = in;
        this.maxFrame = Frames.checkLimit(maxFrame);
    }

    /**
     * @return the next frame, or null when the stream ends cleanly between frames
     * @throws FramingException for a frame over the limit, before anything is allocated for it
     * @throws TruncatedFrameException when the stream ends inside a frame
     * @throws java.net.SocketTimeoutException on a read timeout; call again to go on with the frame
     */
    // tag::read-frame[]
    @Override
    public byte[] readFrame() throws IOException {
        while (headerGot < 4) { // all four bytes, however they were split
            int n = in.read(header, headerGot, 4 - headerGot); // a timeout here keeps headerGot
            if (n == -1) {
                if (headerGot == 0) {
                    return null; // the stream ended cleanly, between two frames
                }
                throw new TruncatedFrameException("length prefix: got " + headerGot + " of 4 bytes",
                        Arrays.copyOf(header, headerGot));
            }
            headerGot += n;
        }
        if (body == null) {
            long announced = (header[0] & 0xFFL) << 24 | (header[1] & 0xFF) << 16 | (header[2] & 0xFF) << 8 | (header[3] & 0xFF);
            if (announced > maxFrame) {
                throw FramingException.tooLarge(announced, maxFrame); // checked before allocating anything
            }
            length = (int) announced;
            // A small frame gets its array at once; a large one a first piece that grows with the
            // bytes received, so announcing a big frame and sending nothing costs almost nothing.
            body = new byte[Math.min(length, Frames.ALLOCATE_UP_FRONT)];
        }
        while (bodyGot < length) {
            if (bodyGot == body.length) {
                body = Arrays.copyOf(body, (int) Math.min(length, 2L * body.length));
            }
            int n = in.read(body, bodyGot, body.length - bodyGot); // a timeout here keeps bodyGot
            if (n == -1) {
                throw new TruncatedFrameException("frame body: got " + bodyGot + " of " + length + " bytes",
                        Arrays.copyOf(body, bodyGot));
            }
            bodyGot += n;
        }
        byte[] frame = body;
        headerGot = 0; // ready for the next frame
        body = null;
        bodyGot = 0;
        return frame;
    }
    // end::read-frame[]
}
