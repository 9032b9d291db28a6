package sockets.framing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Writes frames for {@link AsciiLengthReader}: five ASCII digits, then the body, in one write. */
public final class AsciiLengthWriter implements FrameWriter {

    private final OutputStream out;

    public AsciiLengthWriter(OutputStream out) {
        this.out = out;
    }

    @Override
    public void writeFrame(byte[] message) throws IOException {
        if (message.length > 99_999) {
            throw new IllegalArgumentException("five digits count to 99999; the message has " + message.length + " bytes");
        }
        byte[] prefix = "%05d".formatted(message.length).getBytes(StandardCharsets.US_ASCII);
        byte[] frame = new byte[prefix.length + message.length];
        System.arraycopy(prefix, 0, frame, 0, prefix.length);
        System.arraycopy(message, 0, frame, prefix.length, message.length);
        out.write(frame);
        out.flush();
    }
}
