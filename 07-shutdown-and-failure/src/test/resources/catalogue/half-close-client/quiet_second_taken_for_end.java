// fails: 3 | a pause in the answer is not its end
// Reads until one second of quiet (its own setSoTimeout(1000)) instead of until end of stream: an answer
// with a pause over 1 s in it is returned cut short, and the caller's own timeout is replaced.
package sockets.failure.exercises;

import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.net.SocketTimeoutException;
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
        socket.setSoTimeout(1000); // the mistake: "1 s of silence means the server is done"
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) > 0; ) {
                answer.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException quiet) {
            // done
        }
        return answer.toByteArray();
    }
}
