// Reads in a loop on a writer thread's heels, throws EOFException at end of stream, but takes a
// reset for "the server hung up" and returns the bytes that came: half a reply, as if whole.
// fails: 5 | a reset in the middle of a reply is a broken connection too
package sockets.echo.exercises;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * EXERCISE whole-reply (01-blocking-echo/run exercise whole-reply): send a request to an echo
 * server and return its reply, all of it.
 */
public final class RoundTrip {

    private RoundTrip() {
    }

    /** Sends {@code request} on {@code out} and returns exactly {@code request.length} bytes read from {@code in}. */
    public static byte[] roundTrip(InputStream in, OutputStream out, byte[] request) throws IOException {
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, Thread::startVirtualThread);
        byte[] reply = new byte[request.length];
        int got = 0;
        try {
            while (got < reply.length) {
                int n = in.read(reply, got, reply.length - got);
                if (n == -1) {
                    throw new EOFException("closed after " + got + " of " + reply.length + " bytes");
                }
                got += n;
            }
        } catch (SocketException reset) {
            return Arrays.copyOf(reply, got); // the mistake: a reset is not the end of the reply
        }
        try {
            sent.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        return reply;
    }
}
