// Catches a read timeout that comes before any byte of a frame and returns null, as if the stream had ended: an idle but healthy peer looks closed.
// fails: 6 | a read timeout before any byte of a frame
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
            int n;
            try {
                n = in.read(prefix, prefixHave, 4 - prefixHave);
            } catch (java.net.SocketTimeoutException e) {
                if (prefixHave == 0) {
                    return null; // the mistake: "nothing came, so no more frames"
                }
                throw e;
            }
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
