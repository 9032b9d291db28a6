package sockets.framing.exercises;

import java.io.IOException;
import java.io.InputStream;
import sockets.exercise.NotWrittenYet;
import sockets.framing.FrameReader;

/**
 * EXERCISE delimited (02-framing/run exercise delimited): write a reader for frames that end with
 * a delimiter ({@code \n}, or {@code \r\n}, or any non-empty byte sequence). The frame it returns
 * does not include the delimiter.
 *
 * <p>What the stages ask, in order: a line in one read; a line that comes one byte per read; two
 * lines in one read (the second must not be lost); a delimiter split between two reads (two or
 * four bytes long), or right after a stray {@code \r}; more than {@code maxFrame} bytes without a
 * delimiter refused, even when the delimiter follows in the same read, with at most
 * {@code maxFrame + delimiter.length} bytes held ({@link sockets.framing.FramingException}); the
 * stream ending inside a frame ({@link sockets.framing.TruncatedFrameException}); a read timeout, in
 * the middle of a line or before it, that reaches the caller and loses nothing; bytes that are not
 * text, returned as they came. {@code readFrame} returns null when the stream ends between frames.
 */
public final class DelimitedReader implements FrameReader {

    private final InputStream in;
    private final byte[] delimiter;
    private final int maxFrame;

    public DelimitedReader(InputStream in, byte[] delimiter, int maxFrame) {
        this.in = in;
        this.delimiter = delimiter.clone();
        this.maxFrame = maxFrame;
    }

    @Override
    public byte[] readFrame() throws IOException {
        throw new NotWrittenYet("DelimitedReader.readFrame");
    }
}
