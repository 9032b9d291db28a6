package sockets.framing;

import java.io.IOException;

/** Reads whole messages from a byte stream, however the bytes were split on the way. */
public interface FrameReader {

    /**
     * Returns the next whole frame, or {@code null} if the stream ended cleanly between frames.
     *
     * @throws FramingException the peer broke the framing rules (too large, malformed, or the
     *     stream ended inside a frame: {@link TruncatedFrameException})
     */
    byte[] readFrame() throws IOException;

    /**
     * How many bytes this reader has already taken from its stream beyond the frames it returned:
     * the start of the next frame, if more than 0. A deadline for the next frame must start now for
     * those, since no read of the stream will announce them. 0 for readers that read no further
     * than the frame they return.
     */
    default int buffered() {
        return 0;
    }
}
