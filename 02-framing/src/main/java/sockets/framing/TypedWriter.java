package sockets.framing;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes frames for {@link TypedReader}: the message is the type byte followed by its body, and
 * the body must have exactly the length agreed for that type.
 */
public final class TypedWriter implements FrameWriter {

    private final OutputStream out;
    private final int[] bodyLength = new int[256];

    public TypedWriter(OutputStream out, Map<Integer, Integer> bodyLengths) {
        this.out = out;
        Arrays.fill(bodyLength, -1);
        bodyLengths.forEach((type, length) -> {
            if (type < 0 || type > 255 || length < 0 || length > Frames.LARGEST_LIMIT) {
                throw new IllegalArgumentException("type " + type + " with body length " + length);
            }
            bodyLength[type] = length;
        });
    }

    @Override
    public void writeFrame(byte[] message) throws IOException {
        if (message.length == 0) {
            throw new IllegalArgumentException("a typed message starts with its type byte");
        }
        int type = message[0] & 0xFF;
        if (bodyLength[type] < 0) {
            throw new IllegalArgumentException("unknown message type 0x%02x".formatted(type));
        }
        if (message.length - 1 != bodyLength[type]) {
            throw new IllegalArgumentException("type 0x%02x has a %d-byte body, not %d"
                    .formatted(type, bodyLength[type], message.length - 1));
        }
        out.write(message);
        out.flush();
    }
}
