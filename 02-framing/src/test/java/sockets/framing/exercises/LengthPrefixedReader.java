package sockets.framing.exercises;

import java.io.IOException;
import java.io.InputStream;
import sockets.exercise.NotWrittenYet;
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

    @Override
    public byte[] readFrame() throws IOException {
        byte[] h = new byte[4];
        int got = 0;
        while (got < 4) {
            int n = in.read(h, got, 4 - got);
            if (n < 0) {
                if (got == 0) {
                    return null;
                }
                throw new sockets.framing.TruncatedFrameException("prefix", java.util.Arrays.copyOf(h, got));
            }
            got += n;
        }
        long length = (h[0] & 0xFFL) << 24 | (h[1] & 0xFF) << 16 | (h[2] & 0xFF) << 8 | (h[3] & 0xFF);
        if (length > maxFrame) {
            throw sockets.framing.FramingException.tooLarge(length, maxFrame);
        }
        byte[] body = new byte[(int) length];
        int filled = 0;
        while (filled < length) {
            int n = in.read(body, filled, (int) length - filled);
            if (n < 0) {
                throw new sockets.framing.TruncatedFrameException("body", java.util.Arrays.copyOf(body, filled));
            }
            filled += n;
        }
        return body;
    }
}
// edit 1 25339
// edit 2 19530
// edit 3 9589
// edit 4 27386
// edit 5 27869
// edit 1 16883
// edit 2 14800
// edit 3 20624
// edit 4 7942
// edit 5 29527
// edit 6 17587
// edit 1 11303
// edit 1 32059
// edit 1 31755
// edit 1 24521
// edit 1 1331
// edit 1 25271
// edit 1 7729
// edit 1 26464
// edit 1 11635
// edit 1 2137
