// fails: 6 | still waiting after 10 s
// Sets the socket's read timeout to 0 ("the answer may take a while") before reading: a server that
// stalls keeps exchange() waiting for ever, and the caller's timeout is gone.
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
        socket.shutdownOutput(); // the end of the request
        socket.setSoTimeout(0); // the mistake: replaces the caller's bound with "for ever"
        InputStream in = socket.getInputStream();
        return in.readAllBytes(); // to the server's close
    }
}
