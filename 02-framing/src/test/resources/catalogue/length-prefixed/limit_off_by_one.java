// Refuses a frame of exactly the limit: >= where > was meant.
// fails: 8 | compare with >, not >=
package sockets.framing.exercises;

import java.io.IOException;
import java.io.InputStream;
import java.io.EOFException;
import java.nio.ByteBuffer;
import sockets.framing.FramingException;
import sockets.framing.TruncatedFrameException;
import sockets.framing.FrameReader;

/**
 * EXERCISE length-prefixed (02-framing/run exercise length-prefixed): write a reader for frames
 * that start with their length, 4 bytes big-endian unsigned, then that many bytes.
 *
 * <p>What the stages ask, in order: a frame in one read; a frame whose prefix and body come one
 * byte per read; two frames in one read; a frame over {@code maxFrame} refused before anything is
 * allocated for it ({@link sockets.framing.FramingException}); the stream ending inside a frame
 * ({@link sockets.framing.TruncatedFrameException}); a read timeout in the middle of a frame that
 * loses nothing; an empty frame. {@code readFrame} returns null when the stream ends between frames.
 *
 * <p>Useful: {@code FramingException.tooLarge(announced, max)} and
 * {@code new TruncatedFrameException(what, bytesSoFar)}.
 */
public final class LengthPrefixedReader implements FrameReader {

    private final InputStream in;
    private final int maxFrame;

    public LengthPrefixedReader(InputStream in, int maxFrame) {
        this.in = in;
        this.maxFrame = maxFrame;
    }

    private final byte[] prefix = new byte[4];
    private int prefixHave;
    private byte[] body;
    private int bodyHave;

    @Override
    public byte[] readFrame() throws IOException {
        // What was read before a timeout stays in these fields for the next call.
        while (prefixHave < 4) {
            int n = in.read(prefix, prefixHave, 4 - prefixHave);
            if (n < 0) {
                if (prefixHave == 0) {
                    return null;
                }
                throw new TruncatedFrameException("the stream ended inside a prefix", java.util.Arrays.copyOf(prefix, prefixHave));
            }
            prefixHave += n;
        }
        if (body == null) {
            long length = Integer.toUnsignedLong(ByteBuffer.wrap(prefix).getInt());
            if (length >= maxFrame) { // the mistake: >= where > was meant
                throw new FramingException("frame of " + length + " bytes is larger than the limit " + maxFrame);
            }
            body = new byte[(int) length];
            bodyHave = 0;
        }
        while (bodyHave < body.length) {
            int n = in.read(body, bodyHave, body.length - bodyHave);
            if (n < 0) {
                throw new TruncatedFrameException("the stream ended inside a frame", prefix);
            }
            bodyHave += n;
        }
        byte[] frame = body;
        body = null;
        prefixHave = 0;
        return frame;
    }
}
