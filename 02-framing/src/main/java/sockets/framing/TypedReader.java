package sockets.framing;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;

/**
 * Frames whose first byte is a message type, and each type has a fixed body length (the HOWTO's
 * "the first character tells you the type, and the type fixes the length"). The frame returned
 * is the type byte followed by the body.
 *
 * <p>The HOWTO reads the type with one receive and the body with a loop. The trap is that one
 * receive can bring body bytes along with the type (F-06); reading through one buffered stream,
 * as here, keeps them.
 *
 * <p><b>Not resumable</b>: after a read timeout ({@code SocketTimeoutException}) inside a frame,
 * the bytes of that frame read so far are lost and the reader has lost its place in the stream.
 * Use it without a read timeout, or close the connection on one.
 */
public final class TypedReader implements FrameReader {

    private final InputStream in;
    private final int[] bodyLength = new int[256];
    /** What to call each type's body in an error, built once: formatting it per frame cost ~600 bytes a frame. */
    private static final String[] BODY_OF_TYPE = new String[256];

    static {
        for (int t = 0; t < 256; t++) {
            BODY_OF_TYPE[t] = "body of type 0x%02x".formatted(t);
        }
    }

    /** @param bodyLengths body length for each known type byte (0 to 255) */
    public TypedReader(InputStream in, Map<Integer, Integer> bodyLengths) {
        this.in = in;
        Arrays.fill(bodyLength, -1);
        bodyLengths.forEach((type, length) -> {
            if (type < 0 || type > 255 || length < 0 || length > Frames.LARGEST_LIMIT) {
                throw new IllegalArgumentException("type " + type + " with body length " + length);
            }
            bodyLength[type] = length;
        });
    }

    @Override
    public byte[] readFrame() throws IOException {
        int type = in.read();
        if (type == -1) {
            return null;
        }
        int length = bodyLength[type];
        if (length < 0) {
            throw new FramingException("unknown message type 0x%02x".formatted(type));
        }
        byte[] body = Frames.readBody(in, length, BODY_OF_TYPE[type]);
        byte[] frame = new byte[1 + length];
        frame[0] = (byte) type;
        System.arraycopy(body, 0, frame, 1, length);
        return frame;
    }
}
