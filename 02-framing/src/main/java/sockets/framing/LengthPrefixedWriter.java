package sockets.framing;

import java.io.IOException;
import java.io.OutputStream;

/** Writes frames for {@link LengthPrefixedReader}: a 4-byte big-endian length, then the bytes. */
public final class LengthPrefixedWriter implements FrameWriter {

    /** Frames up to this size go out in one write, header and body together. */
    private static final int ONE_WRITE = 64 * 1024;

    private final OutputStream out;
    private final int maxFrame;

    public LengthPrefixedWriter(OutputStream out, int maxFrame) {
        this.out = out;
        this.maxFrame = Frames.checkLimit(maxFrame);
    }

    // tag::write-frame[]
    @Override
    public void writeFrame(byte[] message) throws IOException {
        if (message.length > maxFrame) {
            throw new IllegalArgumentException("message of " + message.length + " bytes exceeds the frame limit of " + maxFrame);
        }
        byte[] header = {
            (byte) (message.length >>> 24), (byte) (message.length >>> 16), (byte) (message.length >>> 8), (byte) message.length
        };
        if (message.length <= ONE_WRITE) {
            // One write, so header and body leave in one segment. Two small writes followed by a
            // read is the pattern where Nagle's algorithm and delayed ACKs stall: 40 ms at least on
            // Linux (its shortest delayed-ACK time), up to 200 ms on other systems.
            byte[] frame = new byte[4 + message.length];
            System.arraycopy(header, 0, frame, 0, 4);
            System.arraycopy(message, 0, frame, 4, message.length);
            out.write(frame);
        } else {
            out.write(header);
            out.write(message);
        }
        out.flush();
    }
    // end::write-frame[]
}
