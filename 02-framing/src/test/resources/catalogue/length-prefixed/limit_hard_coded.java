// Compares the length with a hard-coded 1 KiB constant instead of maxFrame: every reader gets the same limit, whatever it was built with.
// fails: 4 | limit 16 (maxFrame)
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

    private static final long MAX_FRAME = 1024; // the mistake: "1 KiB is plenty", maxFrame is never used
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
            if (length > MAX_FRAME) {
                throw new FramingException("frame of " + length + " bytes is larger than the limit " + MAX_FRAME);
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
