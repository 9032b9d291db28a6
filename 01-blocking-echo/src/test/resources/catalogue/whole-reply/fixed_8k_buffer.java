// Reads into a fixed 8 KiB buffer until it has at least request.length bytes and returns all it read: bytes that belong to what comes next become part of the reply.
// fails: 7 | nothing more
package sockets.echo.exercises;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;

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
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        while (reply.size() < request.length) {
            int n = in.read(buffer);
            if (n < 0) {
                throw new EOFException("closed after " + reply.size() + " bytes");
            }
            reply.write(buffer, 0, n);
        }
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return reply.toByteArray();
    }
}
