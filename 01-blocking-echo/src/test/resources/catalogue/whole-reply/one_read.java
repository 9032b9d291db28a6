// One read() into a buffer the size of the request: whatever arrived first is taken as the reply.
// fails: 2 | (700 bytes, 
package sockets.echo.exercises;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

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
        out.flush();
        byte[] reply = new byte[request.length];
        int n = in.read(reply);
        return Arrays.copyOf(reply, Math.max(n, 0));
    }
}
