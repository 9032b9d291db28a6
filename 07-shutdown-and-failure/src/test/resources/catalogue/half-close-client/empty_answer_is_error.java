// fails: 4 | empty
// Treats an answer of no bytes as a failure, the way a read of -1 at once looks like "nothing came".
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
        byte[] answer = in.readAllBytes();
        if (answer.length == 0) {
            throw new IOException("the server closed without answering: empty answer");
        }
        return answer;
    }
}
