package sockets.framing;

import java.io.IOException;
import java.io.InputStream;

/**
 * One message per connection, ended by the peer closing its sending side: HTTP/1.0's way, and the
 * seeds' {@code client_list.py}. Simple and robust, at the price of a connection per message.
 */
public final class CloseDelimitedReader implements FrameReader {

    private final InputStream in;
    private final int maxFrame;
    private boolean done;

    public CloseDelimitedReader(InputStream in, int maxFrame) {
        this.in = in;
        this.maxFrame = Frames.checkLimit(Math.min(maxFrame, Frames.LARGEST_LIMIT - 1));
    }

    @Override
    public byte[] readFrame() throws IOException {
        if (done) {
            return null;
        }
        done = true;
        byte[] message = in.readNBytes(maxFrame + 1); // to end of stream; grows as bytes arrive
        if (message.length > maxFrame) {
            throw new FramingException("more than " + maxFrame + " bytes before the end of the stream");
        }
        return message;
    }
}
