// fails: 2 | bytes of 'Q'
// Reads once into an 8 KiB buffer and returns what came: a short answer fits, a long one is cut.
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
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        int n = in.read(buffer);
        return java.util.Arrays.copyOf(buffer, Math.max(n, 0));
    }
}
