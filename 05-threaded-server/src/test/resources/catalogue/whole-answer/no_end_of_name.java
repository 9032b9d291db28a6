// fails: 1 | a newline after the name, or shutdownOutput()
// Sends the bare name and waits: the server cannot tell that the name is complete.
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
        out.write((name).getBytes(StandardCharsets.UTF_8));
        out.flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] buffer = new byte[1024];
        for (int n; (n = in.read(buffer)) != -1; ) {
            if (answer.size() + n > maxBytes) {
                throw new IOException("answer over " + maxBytes + " bytes");
            }
            answer.write(buffer, 0, n);
        }
        return answer.toString(StandardCharsets.UTF_8);
    }
}
