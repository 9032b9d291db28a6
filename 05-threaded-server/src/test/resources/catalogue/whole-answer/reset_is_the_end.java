// fails: 7 | a reset means it was cut short
// Treats a reset like the end of the answer ("the server hung up"), so a connection that dies
// mid-answer hands the caller a part of the JSON as if it were all of it.
package sockets.threaded.exercises;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

public final class ClientListClient {

    private ClientListClient() {
    }

    public static String register(Socket socket, String name, int maxBytes) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write((name + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        socket.shutdownOutput();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] buffer = new byte[1024];
        try {
            for (int n; (n = in.read(buffer)) != -1; ) {
                if (answer.size() + n > maxBytes) {
                    throw new IOException("answer over " + maxBytes + " bytes");
                }
                answer.write(buffer, 0, n);
            }
        } catch (SocketException hungUp) {
            // the server hung up: that is the end of the answer
        }
        return answer.toString(StandardCharsets.UTF_8);
    }
}
