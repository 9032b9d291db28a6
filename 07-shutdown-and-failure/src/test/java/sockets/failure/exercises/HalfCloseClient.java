package sockets.failure.exercises;

import java.io.IOException;
import java.net.Socket;
import sockets.exercise.NotWrittenYet;

/**
 * EXERCISE half-close-client (07-shutdown-and-failure/run exercise half-close-client): send one
 * request whose end is the end of your sending side, and read the whole answer, which ends when
 * the server closes.
 *
 * <p>The stages, in order: a short request to the lesson's server; a 512 KiB request; an answer
 * that comes late and in many pieces; a server that closes without answering (an empty answer is
 * an answer, not an error); binary bytes back unchanged.
 */
public final class HalfCloseClient {

    private HalfCloseClient() {
    }

    /** Sends {@code request}, ends it, and returns every byte the server sends until it closes. */
    public static byte[] exchange(Socket socket, byte[] request) throws IOException {
        throw new NotWrittenYet("HalfCloseClient.exchange");
    }
}
