// Reads the prefix with in.readNBytes(prefix, 0, 4) and keeps only the body in fields: a read timeout inside the 4-byte prefix throws away the prefix bytes already read, and the body is then read as a length.
// fails: 6 | 2 bytes of the 4-byte prefix then a read timeout
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
        if (body == null) {
            int got = in.readNBytes(prefix, 0, 4); // loops until 4 bytes or the end; the mistake: a timeout inside it loses what it read
            if (got == 0) {
                return null;
            }
            if (got < 4) {
                throw new TruncatedFrameException("the stream ended inside a prefix", java.util.Arrays.copyOf(prefix, got));
            }
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
