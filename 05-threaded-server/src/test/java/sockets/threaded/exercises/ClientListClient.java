package sockets.threaded.exercises;

import java.io.IOException;
import java.net.Socket;
import sockets.exercise.NotWrittenYet;

/**
 * EXERCISE whole-answer (05-threaded-server/run exercise whole-answer): register a name with a
 * client-list server and return its whole answer, the JSON text.
 *
 * <p>The protocol: send the name (UTF-8) and end it, then read the answer, which ends when the
 * server closes its side. The stages, in order: a short answer; a name the server can tell is
 * complete (a newline, or a half-close); an answer of several KiB in many pieces (the seed reads
 * 1,024 bytes and gets half a JSON document, BUG-40); an answer over {@code maxBytes} refused with an
 * IOException rather than held; a server that never closes (the socket's read timeout must reach
 * the caller, not hang); characters split between the server's writes; an answer cut short by a
 * reset (an IOException, not a shorter answer).
 */
public final class ClientListClient {

    private ClientListClient() {
    }

    /** Sends {@code name}, and returns everything the server sends until it closes, at most {@code maxBytes}. */
    public static String register(Socket socket, String name, int maxBytes) throws IOException {
        throw new NotWrittenYet("ClientListClient.register");
    }
}
