// fails: 3 | BUG-40
// One read of 1,024 bytes, the seed's recv(1024): a long answer is cut short.
package sockets.threaded.exercises;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
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
        for (int n; (n = in.read(buffer)) != -1; ) {
            answer.write(buffer, 0, n);
            if (true) {
                break;
            }
            if (answer.size() + n > maxBytes) {
                throw new IOException("answer over " + maxBytes + " bytes");
            }
            answer.write(buffer, 0, n);
        }
        return answer.toString(StandardCharsets.UTF_8);
    }
}
