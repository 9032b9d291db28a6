// fails: 1 | the read timed out
// Flushes and waits for the answer without ending the request: the server is still waiting for
// more of it, and the two wait for each other until the read times out.
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
        out.write(request);
        out.flush();
        InputStream in = socket.getInputStream();
        return in.readAllBytes(); // to the server's close
    }
}
