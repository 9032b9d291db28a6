package sockets.raw;

/**
 * A frame or packet that is too short, or whose header fields contradict its length. It is the
 * only exception the parsers here throw for bytes from the wire: a raw socket receives whatever
 * anyone on the machine sends, so a bad packet is something to skip, not a reason to stop.
 */
public final class MalformedPacketException extends IllegalArgumentException {
    public MalformedPacketException(String message) {
        super(message);
    }

    static void require(boolean condition, String what) {
        if (!condition) {
            throw new MalformedPacketException(what);
        }
    }
}
