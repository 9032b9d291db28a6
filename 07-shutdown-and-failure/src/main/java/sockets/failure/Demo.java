package sockets.failure;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import sockets.cli.Programs;

/**
 * Lesson 07, live: a request that never ends (no half-close) and the one that does; a peer that
 * dies hard, a reader that would wait for ever, and a heartbeat that notices.
 */
public final class Demo {

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        Programs.noOptions("Demo", "Runs lesson 07's pitfall and its fix, live, on loopback (takes no options).", args);
        run(System.out);
    }

    static void run(PrintStream out) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        try (HalfCloseServer server = HalfCloseServer.bind(new InetSocketAddress(loopback, 0), Duration.ofSeconds(2), 1 << 20, quiet)) {
            Thread serving = Thread.ofPlatform().start(server::serve);
            out.println("== The pitfall: a request with no end ==");
            try (Socket s = new Socket(loopback, server.localAddress().getPort())) {
                s.setSoTimeout(1_000);
                try {
                    HalfCloseClient.exchange(s, new ByteArrayInputStream(bytes("hello")), false);
                } catch (SocketTimeoutException e) {
                    out.println("The client sent \"hello\" and waits for the answer; the server waits for the end of the");
                    out.println("request. Neither will move: after 1 s the client gave up (SocketTimeoutException).");
                }
            }
            out.println();
            out.println("== The fix: end the request with shutdownOutput(), the HTTP/1.0 way ==");
            try (Socket s = new Socket(loopback, server.localAddress().getPort())) {
                s.setSoTimeout(5_000);
                byte[] answer = HalfCloseClient.exchange(s, new ByteArrayInputStream(bytes("hello")), true);
                out.println("With a half-close the server sees end of stream, answers, and closes: \""
                        + new String(answer, StandardCharsets.UTF_8) + "\".");
            }
            server.close();
            serving.join(5_000);
        }

        out.println();
        out.println("== The pitfall: the peer dies hard, and a blocking read waits for ever ==");
        try (ServerSocket echo = new ServerSocket(0, 50, loopback);
             FaultProxy proxy = FaultProxy.start(new InetSocketAddress(loopback, 0),
                     (InetSocketAddress) echo.getLocalSocketAddress(), "pass", quiet)) {
            Thread echoing = Thread.ofVirtual().start(() -> echoOne(echo));
            try (Socket s = new Socket(loopback, proxy.localAddress().getPort())) {
                s.getOutputStream().write('?');
                out.println("Through the fault proxy, the echo of \"?\" comes back: " + (char) s.getInputStream().read());
                proxy.mode("blackhole");
                out.println("Now the proxy swallows everything and closes nothing: no FIN, no RST, just silence.");
                s.getOutputStream().write('?');
                s.setSoTimeout(1_000);
                try {
                    s.getInputStream().read();
                } catch (SocketTimeoutException e) {
                    out.println("A plain read would wait for ever; this one had a 1 s timeout and gave up. But a timeout");
                    out.println("alone cannot tell a slow peer from a dead one.");
                }
                out.println();
                out.println("== The fix: a heartbeat: ping when quiet, declare the peer dead after N silent intervals ==");
                Heartbeat heartbeat = new Heartbeat(s, Duration.ofMillis(300), 2, () -> s.getOutputStream().write('p'));
                long start = System.nanoTime();
                try {
                    heartbeat.read(new byte[16]);
                } catch (Heartbeat.PeerDeadException e) {
                    out.printf("After %d ms: %s.%n", (System.nanoTime() - start) / 1_000_000, e.getMessage());
                }
            }
            proxy.close(); // closes its side to the echo server too, so the echo thread sees the end
            echo.close();
            echoing.join(5_000);
        }
        out.println();
        out.println("Read the lesson: 07-shutdown-and-failure/README.md. Run the tests: ./mvnw -pl 07-shutdown-and-failure verify");
    }

    private static void echoOne(ServerSocket listener) {
        try (Socket s = listener.accept()) {
            InputStream in = s.getInputStream();
            int b;
            while ((b = in.read()) != -1) {
                s.getOutputStream().write(b);
            }
        } catch (IOException gone) {
            // the demo is over
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
