package sockets.select;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The other design the seeds compare select with (S-15): a blocking echo server with one thread
 * per connection, platform or virtual. Here only so the load harness can measure it next to the
 * selector; lesson 05 is about building such servers well.
 *
 * <pre>ThreadPerConnectionEchoServer platform|virtual PORT</pre>
 */
public final class ThreadPerConnectionEchoServer {

    private ThreadPerConnectionEchoServer() {
    }

    public static void main(String[] args) throws IOException {
        boolean virtual = args[0].equals("virtual");
        Thread.Builder threads = virtual ? Thread.ofVirtual() : Thread.ofPlatform().stackSize(256 * 1024);
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[1])), 4096);
            System.out.println("listening on 127.0.0.1:" + listener.getLocalPort());
            while (true) {
                Socket client = listener.accept();
                client.setTcpNoDelay(true);
                threads.start(() -> echo(client));
            }
        }
    }

    private static void echo(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) != -1) {
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // the client went away; nothing to report in a load run
        }
    }
}
