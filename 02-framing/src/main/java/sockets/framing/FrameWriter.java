package sockets.framing;

import java.io.IOException;

/** Writes messages so that a matching {@link FrameReader} can find where each one ends. */
public interface FrameWriter {

    /** Writes one whole frame and flushes it. */
    void writeFrame(byte[] message) throws IOException;
}
