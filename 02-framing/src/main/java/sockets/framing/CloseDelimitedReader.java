package sockets.framing;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * One message per connection, ended by the peer closing its sending side: HTTP/1.0's way, and the
 * seeds' {@code client_list.py}. Simple and robust, at the price of a connection per message.
 *
 * <p>Resumable: a read timeout ({@code SocketTimeoutException}) loses nothing. The bytes read so far
 * are kept, and the next {@link #readFrame()} goes on reading the same message.
 *
 * <p>Memory: the message grows with the bytes received, at most {@code maxFrame + 1} bytes, and
 * one copy of it to the exact length at the end (about twice the message at that moment).
 */
public final class CloseDelimitedReader implements FrameReader {

    private static final int FIRST_PIECE = 8192;

    private final InputStream in;
    private final int maxFrame;
    private byte[] message = new byte[0]; // the bytes so far, in message[0, got)
    private int got;
    private boolean done;

    public CloseDelimitedReader(InputStream in, int maxFrame) {
        this.in = in;
        this.maxFrame = Frames.checkLimit(Math.min(maxFrame, Frames.LARGEST_LIMIT - 1));
    }

    /**
     * @return the whole message once the peer has closed its side; null on every call after that
     * @throws FramingException more than {@code maxFrame} bytes before the end of the stream
     * @throws java.net.SocketTimeoutException on a read timeout; call again to go on with the message
     */
    @Override
    public byte[] readFrame() throws IOException {
        if (done) {
            return null;
        }
        while (true) {
            if (got == message.length) { // room for one byte past the limit, to see it crossed
                message = Arrays.copyOf(message, (int) Math.min(maxFrame + 1L,
                        Math.max(FIRST_PIECE, 2L * message.length)));
            }
            int n = in.read(message, got, message.length - got); // a timeout here keeps got
            if (n == -1) {
                done = true;
                byte[] whole = got == message.length ? message : Arrays.copyOf(message, got);
                message = null;
                return whole;
            }
            got += n;
            if (got > maxFrame) {
                done = true;
                message = null;
                throw new FramingException("more than " + maxFrame + " bytes before the end of the stream");
            }
        }
    }
}
