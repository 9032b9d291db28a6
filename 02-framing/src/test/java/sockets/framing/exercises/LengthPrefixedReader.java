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
 * byte per read; two frames in one read, each in an array of its own; a frame over {@code maxFrame}
 * (whatever the reader was built with) refused before anything is allocated for it
 * ({@link sockets.framing.FramingException}); the stream ending inside a frame
 * ({@link sockets.framing.TruncatedFrameException}); a read timeout, in the body, in the prefix or
 * before a frame, that reaches the caller and loses nothing; an empty frame. {@code readFrame}
 * returns null when the stream ends between frames.
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
        throw new NotWrittenYet("LengthPrefixedReader.readFrame");
    }
}
