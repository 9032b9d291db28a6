package sockets.framing;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes frames for {@link FixedLengthReader}. The HOWTO's {@code mysend} loops until it has sent
 * the global MSGLEN bytes whatever the message's own length (BUG-25): a shorter message makes it
 * report a broken connection, a longer one is cut. Here a message of the wrong length is refused.
 */
public final class FixedLengthWriter implements FrameWriter {

    private final OutputStream out;
    private final int length;

    public FixedLengthWriter(OutputStream out, int length) {
        this.out = out;
        this.length = Frames.checkLimit(length);
    }

    @Override
    public void writeFrame(byte[] message) throws IOException {
        if (message.length != length) {
            throw new IllegalArgumentException("fixed-length frames are " + length + " bytes, not " + message.length);
        }
        out.write(message); // OutputStream.write sends every byte: the loop mysend writes by hand
        out.flush();
    }
}
