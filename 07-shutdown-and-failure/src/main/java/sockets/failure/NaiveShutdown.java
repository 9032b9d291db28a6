package sockets.failure;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** Deliberately wrong: the HOWTO's rule that a send of 0 bytes means a broken connection (D-02, BUG-26). */
public final class NaiveShutdown {

    private NaiveShutdown() {
    }

    // tag::zero-means-broken[]
    /**
     * Deliberately wrong: the HOWTO's {@code mysend}, ported to a non-blocking channel. There,
     * {@code write} returns 0 whenever the send buffer is full, which happens on every healthy
     * connection whose peer reads more slowly than we write.
     */
    public static void send(SocketChannel channel, ByteBuffer message) throws IOException {
        while (message.hasRemaining()) {
            int sent = channel.write(message);
            if (sent == 0) {
                throw new IOException("socket connection broken");
            }
        }
    }
    // end::zero-means-broken[]
}
