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
}
