package sockets.framing;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/** Writes frames for {@link DelimitedReader}: the bytes, then the delimiter, in one write. */
public final class DelimitedWriter implements FrameWriter {

    private final OutputStream out;
    private final byte[] delimiter;
    private final int maxFrame;

    public DelimitedWriter(OutputStream out, byte[] delimiter, int maxFrame) {
        this.out = out;
        this.delimiter = delimiter.clone();
        this.maxFrame = Frames.checkLimit(maxFrame);
    }

    public static DelimitedWriter lines(OutputStream out, int maxFrame) {
        return new DelimitedWriter(out, new byte[] {'\n'}, maxFrame);
    }

    @Override
    public void writeFrame(byte[] message) throws IOException {
        if (message.length > maxFrame) {
            throw new IllegalArgumentException("message of " + message.length + " bytes exceeds the frame limit of " + maxFrame);
        }
        // A delimiter inside the message would end the frame early on the other side.
        for (int i = 0; i + delimiter.length <= message.length; i++) {
            if (Arrays.equals(message, i, i + delimiter.length, delimiter, 0, delimiter.length)) {
                throw new IllegalArgumentException("message contains the delimiter at byte " + i);
            }
        }
        byte[] frame = new byte[message.length + delimiter.length];
        System.arraycopy(message, 0, frame, 0, message.length);
        System.arraycopy(delimiter, 0, frame, message.length, delimiter.length);
        out.write(frame);
        out.flush();
    }
}
