// fails: 5 | bytes are bytes
// Returns the answer through a String (UTF-8): bytes that are not UTF-8 text come back as U+FFFD.
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
        return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
