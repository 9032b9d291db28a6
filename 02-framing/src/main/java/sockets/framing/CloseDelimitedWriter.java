package sockets.framing;

import java.io.IOException;
import java.net.Socket;

/** Writes the one message of a connection for {@link CloseDelimitedReader}, then half-closes. */
public final class CloseDelimitedWriter implements FrameWriter {

    private final Socket socket;
    private boolean done;

    public CloseDelimitedWriter(Socket socket) {
        this.socket = socket;
    }

    @Override
    public void writeFrame(byte[] message) throws IOException {
        if (done) {
            throw new IllegalStateException("a close-delimited connection carries one message");
        }
        done = true;
        socket.getOutputStream().write(message);
        socket.shutdownOutput(); // the end of the message: the peer's read returns -1
    }
}
