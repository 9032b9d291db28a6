package sockets.failure.exercises;

import java.io.IOException;
import java.net.Socket;
import sockets.exercise.NotWrittenYet;

/**
 * EXERCISE half-close-client (07-shutdown-and-failure/run exercise half-close-client): send one
 * request whose end is the end of your sending side, and read the whole answer, which ends when
 * the server closes.
 *
 * <p>The stages, in order: a short request to the lesson's server, and an empty one; a 512 KiB
 * request; an answer that comes late, in many pieces, with a pause; a server that closes without
 * answering (an empty answer is an answer, not an error); binary bytes back unchanged; a server that
 * stalls mid-answer (the caller's read timeout, set on the socket, must reach the caller as
 * {@link java.net.SocketTimeoutException}); a server that resets mid-answer (the reset must reach
 * the caller too: only end of stream ends the answer).
 *
 * <p>The server reads the whole request before it answers, so writing it all and then reading is
 * enough here. (A server that refuses a request part-way and closes would make such a write fail
 * with "Broken pipe" before its refusal is read; the lesson's own client reads while it writes for
 * that case, which this exercise does not ask for.)
 */
public final class HalfCloseClient {

    private HalfCloseClient() {
    }

    /** Sends {@code request}, ends it, and returns every byte the server sends until it closes. */
    public static byte[] exchange(Socket socket, byte[] request) throws IOException {
        throw new NotWrittenYet("HalfCloseClient.exchange");
    }
}
