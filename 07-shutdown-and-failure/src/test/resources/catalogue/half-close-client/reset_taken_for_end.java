// fails: 7 | gave up part-way
// Reads in a loop and takes a "Connection reset" for the end of the answer: a server that crashes or
// aborts half-way through its answer leaves the client returning the part it got as if it were all.
package sockets.failure.exercises;

import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.net.SocketException;
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
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        while (true) {
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketException reset) { // the mistake: "the server hung up", so the answer is complete
                break;
            }
            if (n < 0) {
                break;
            }
            answer.write(buffer, 0, n);
        }
        return answer.toByteArray();
    }
}
