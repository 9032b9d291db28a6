package sockets.framing;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Frames that start with their length: 4 bytes, big-endian (network order), unsigned. The
 * strategy the HOWTO calls "much better", and the one to use unless a protocol says otherwise.
 * Wire format: {@code [length: u32 big-endian][length bytes]}.
 */
public final class LengthPrefixedReader implements FrameReader {

    private final InputStream in;
    private final int maxFrame;
    private final byte[] header = new byte[4];

    /** @param in give it a buffered stream; every frame costs two reads */
    public LengthPrefixedReader(InputStream in, int maxFrame) {
        this.in = in;
        this.maxFrame = Frames.checkLimit(maxFrame);
    }

    // tag::read-frame[]
    @Override
    public byte[] readFrame() throws IOException {
        int got = in.readNBytes(header, 0, 4); // all four bytes, however they were split
        if (got == 0) {
            return null; // the stream ended cleanly, between two frames
        }
        if (got < 4) {
            throw new TruncatedFrameException("length prefix: got " + got + " of 4 bytes", Arrays.copyOf(header, got));
        }
        long length = (header[0] & 0xFFL) << 24 | (header[1] & 0xFF) << 16 | (header[2] & 0xFF) << 8 | (header[3] & 0xFF);
        if (length > maxFrame) {
            throw FramingException.tooLarge(length, maxFrame); // checked before allocating anything
        }
        return Frames.readBody(in, (int) length, "frame body");
    }
    // end::read-frame[]
}
