package sockets.framing;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.Random;

/**
 * A seeded stream with two ordinary faults at once: every read returns a random 1 to
 * {@code maxChunk} bytes (TCP may split anywhere), and before a read, with probability
 * {@code timeoutChance}, a {@link SocketTimeoutException} (what {@code SO_TIMEOUT} throws) with no
 * bytes consumed. The same seed gives the same splits and timeouts.
 */
final class Faults extends InputStream {

    private final byte[] data;
    private final Random random;
    private final int maxChunk;
    private final double timeoutChance;
    private int position;
    int timeouts;

    Faults(byte[] data, long seed, int maxChunk, double timeoutChance) {
        this.data = data;
        this.random = new Random(seed);
        this.maxChunk = maxChunk;
        this.timeoutChance = timeoutChance;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (random.nextDouble() < timeoutChance) {
            timeouts++;
            throw new SocketTimeoutException("Read timed out");
        }
        if (position == data.length) {
            return -1;
        }
        int n = Math.min(Math.min(len, 1 + random.nextInt(maxChunk)), data.length - position);
        System.arraycopy(data, position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) == 1 ? one[0] & 0xFF : -1;
    }

    /** Calls {@code reader.readFrame()} again after every timeout, as a heartbeat loop would. */
    static byte[] readRetrying(FrameReader reader) throws IOException {
        while (true) {
            try {
                return reader.readFrame();
            } catch (SocketTimeoutException timeout) {
                // nothing lost: go on with the frame
            }
        }
    }
}
