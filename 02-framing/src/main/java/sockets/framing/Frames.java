package sockets.framing;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** The one careful read the fixed-size strategies share. */
final class Frames {

    /** Above this, a frame's buffer grows as its bytes arrive instead of being allocated up front. */
    static final int ALLOCATE_UP_FRONT = 64 * 1024;

    /** The largest limit a reader accepts: Java arrays cannot be much longer. */
    static final int LARGEST_LIMIT = Integer.MAX_VALUE - 16;

    private Frames() {
    }

    static int checkLimit(int maxFrame) {
        if (maxFrame < 1 || maxFrame > LARGEST_LIMIT) {
            throw new IllegalArgumentException("frame limit must be from 1 to " + LARGEST_LIMIT + ": " + maxFrame);
        }
        return maxFrame;
    }

    // tag::read-body[]
    /**
     * Reads exactly {@code length} bytes. {@code length} must already have been checked against the
     * limit. Small frames get their array at once; a large one is read through buffers that grow
     * with the bytes received, so a peer that announces a big frame and sends nothing costs almost
     * nothing, however many peers do it at once.
     *
     * <p>Not resumable: a read timeout inside it loses the bytes read so far, so a reader built on
     * it (fixed length, five-digit length, typed) cannot be used again after a timeout. Use
     * {@link LengthPrefixedReader} or {@link DelimitedReader}, which keep a partial frame, with timeouts.
     *
     * @throws TruncatedFrameException if the stream ends first
     */
    static byte[] readBody(InputStream in, int length, String what) throws IOException {
        byte[] body;
        int got;
        if (length <= ALLOCATE_UP_FRONT) {
            body = new byte[length];
            got = in.readNBytes(body, 0, length); // loops over read() until length bytes, or EOF
        } else {
            body = in.readNBytes(length); // grows in steps as data arrives
            got = body.length;
        }
        if (got < length) {
            throw new TruncatedFrameException(what + ": got " + got + " of " + length + " bytes",
                    Arrays.copyOf(body, got));
        }
        return body;
    }
    // end::read-body[]
}
