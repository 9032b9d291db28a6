// fails: 6 | the answer is incomplete
// Takes a read timeout for the end of the answer and returns what came so far: a server that stalls
// mid-answer gets its answer cut short, and the caller never learns it was cut.
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
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        while (true) {
            int n;
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException quiet) { // the mistake: silence is not the end of the stream
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
