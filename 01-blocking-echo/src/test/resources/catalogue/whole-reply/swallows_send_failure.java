// Writes on a second thread and reads the whole reply, but the writer's IOException is dropped on its thread: a connection that broke while sending looks like a good round trip.
// fails: 8 | returned as if all went well
package sockets.echo.exercises;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * EXERCISE whole-reply (01-blocking-echo/run exercise whole-reply): send a request to an echo
 * server and return its reply, all of it.
 */
public final class RoundTrip {

    private RoundTrip() {
    }

    /** Sends {@code request} on {@code out} and returns exactly {@code request.length} bytes read from {@code in}. */
    public static byte[] roundTrip(InputStream in, OutputStream out, byte[] request) throws IOException {
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // nowhere to pass it: the thread ends and the caller is never told
            }
        });
        byte[] reply = in.readNBytes(request.length);
        if (reply.length < request.length) {
            throw new EOFException("closed after " + reply.length + " of " + request.length + " bytes");
        }
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return reply;
    }
}
