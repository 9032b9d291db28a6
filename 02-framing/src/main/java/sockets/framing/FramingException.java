package sockets.framing;

import java.io.IOException;

/**
 * The peer broke the framing rules: a frame longer than the limit, a length that is not a number,
 * an unknown type byte, or a stream that ended in the middle of a frame. The connection cannot be
 * trusted to be at a frame boundary any more, so the only safe thing left is to close it.
 */
public class FramingException extends IOException {

    public FramingException(String message) {
        super(message);
    }

    /** A declared or accumulated frame length over the limit; nothing of that size was allocated. */
    public static FramingException tooLarge(long length, int limit) {
        return new FramingException("frame of " + length + " bytes exceeds the limit of " + limit + " bytes");
    }
}
