// Never flushes: through a BufferedOutputStream the request stays in the client.
// fails: 4 | BufferedOutputStream
package sockets.echo.exercises;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * EXERCISE whole-reply (01-blocking-echo/run exercise whole-reply): send a request to an echo
 * server and return its reply, all of it.
 *
 * <p>What the stages ask, in order: a reply in one read; a reply that arrives in two pieces; a
 * reply one byte per read; a request that only leaves when it is flushed; a server that closes
 * before the whole reply ({@link java.io.EOFException}, not a short array); a 4 MiB request that
 * does not deadlock against a real echo server.
 */
public final class RoundTrip {

    private RoundTrip() {
    }

    public static byte[] roundTrip(InputStream in, OutputStream out, byte[] request) throws IOException {
        out.write(request);
        byte[] reply = in.readNBytes(request.length);
        if (reply.length < request.length) {
            throw new java.io.EOFException("closed after " + reply.length + " bytes");
        }
        return reply;
    }
}
