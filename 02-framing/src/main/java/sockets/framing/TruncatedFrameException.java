package sockets.framing;

import java.util.Arrays;

/**
 * The stream ended part-way through a frame. The bytes that did arrive are kept, so a caller that
 * wants them (say, an unterminated last line) can still have them: nothing is dropped silently.
 */
public final class TruncatedFrameException extends FramingException {

    private final byte[] partial;

    public TruncatedFrameException(String what, byte[] partial) {
        super("stream ended inside a frame: " + what);
        this.partial = partial.clone();
    }

    /** The bytes of the unfinished frame that arrived before the end of the stream. */
    public byte[] partial() {
        return Arrays.copyOf(partial, partial.length);
    }
}
