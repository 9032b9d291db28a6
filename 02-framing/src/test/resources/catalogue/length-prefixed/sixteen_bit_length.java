// Treats any length above 65,535 as too large, whatever maxFrame says ("frames are small"): a reader built with a 1 MiB limit refuses a 100,000-byte frame.
// fails: 4 | lengths of 65,536 and more are real
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
            if (prefix[0] != 0 || prefix[1] != 0) { // the mistake: "frames are small", anything over 64 KiB is refused whatever maxFrame says
                throw new FramingException("frame of " + Integer.toUnsignedLong(ByteBuffer.wrap(prefix).getInt()) + " bytes is too large");
            }
            int length = ((prefix[2] & 0xFF) << 8) | (prefix[3] & 0xFF);
            if (length > maxFrame) {
                throw new FramingException("frame of " + length + " bytes is larger than the limit " + maxFrame);
            }
            body = new byte[length];
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
