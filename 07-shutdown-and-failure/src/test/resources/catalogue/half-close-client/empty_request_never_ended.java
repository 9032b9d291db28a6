// fails: 1 | an empty request needs its end too
// Writes the request in 8 KiB pieces and half-closes after the last piece, inside the loop: an empty
// request has no last piece, so it is never ended and the server waits for it.
package sockets.failure.exercises;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

public final class HalfCloseClient {

    private HalfCloseClient() {
    }

    public static byte[] exchange(Socket socket, byte[] request) throws IOException {
        OutputStream out = socket.getOutputStream();
        for (int at = 0; at < request.length; at += 8192) {
            out.write(request, at, Math.min(8192, request.length - at));
            if (at + 8192 >= request.length) {
                out.flush();
                socket.shutdownOutput(); // the mistake: inside the loop, so an empty request never gets its end
            }
        }
        InputStream in = socket.getInputStream();
        return in.readAllBytes(); // to the server's close
    }
}
