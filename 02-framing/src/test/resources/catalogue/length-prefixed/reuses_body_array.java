// Keeps the body array and reuses it when the next frame has the same length (to save garbage): a frame already returned is overwritten by the next one of the same length.
// fails: 3 | the first frame looked at again
package sockets.framing.exercises;

import java.io.IOException;
import java.io.InputStream;
import java.io.EOFException;
import java.nio.ByteBuffer;
import sockets.framing.FramingException;
import sockets.framing.TruncatedFrameException;
import sockets.framing.FrameReader;

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
    private byte[] spare; // the last frame's array, reused for a frame of the same length

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
            if (length > maxFrame) {
                throw new FramingException("frame of " + length + " bytes is larger than the limit " + maxFrame);
            }
            body = spare != null && spare.length == length ? spare : new byte[(int) length]; // the mistake: the caller still holds spare
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
        spare = body;
        body = null;
        prefixHave = 0;
        return frame;
    }
}
