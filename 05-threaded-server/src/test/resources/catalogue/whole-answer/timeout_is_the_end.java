// fails: 5 | SocketTimeoutException
// Takes a read timeout for the end of the answer and returns what came: a server that stopped
// halfway looks like a short answer.
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
        for (int n; (n = readOrEnd(in, buffer)) != -1; ) {
            if (answer.size() + n > maxBytes) {
                throw new IOException("answer over " + maxBytes + " bytes");
            }
            answer.write(buffer, 0, n);
        }
        return answer.toString(StandardCharsets.UTF_8);
    }

    private static int readOrEnd(InputStream in, byte[] buffer) throws IOException {
        try {
            return in.read(buffer);
        } catch (java.net.SocketTimeoutException e) {
            return -1; // nothing more: that must be all
        }
    }
}
