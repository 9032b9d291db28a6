package sockets.failure;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import sockets.docs.WatchedLog;
import sockets.docs.WireScenario;
import sockets.raw.Capture;
import sockets.raw.Sequence;

/** Lesson 07 on the wire: the half-close, its absence, the reset from unread input, a dead peer's silence. */
public final class FailurePictures {

    private FailurePictures() {
    }

    public static List<WireScenario> scenarios() {
        return List.of(
                new WireScenario("07/half-close",
                        "HalfCloseClient sends its request and shuts down its output; HalfCloseServer answers, then closes",
                        c -> halfClose(c, true)),
                new WireScenario("07/no-half-close",
                        "the same request without the half-close: the server waits for the rest until its deadline",
                        c -> halfClose(c, false)),
                new WireScenario("07/close-with-unread-input",
                        "a SocketChannel closed while the client's bytes sit unread: RST, not FIN", FailurePictures::reset),
                new WireScenario("07/dead-peer",
                        "a rule drops every packet: the heartbeat's pings go unanswered, and the peer is declared dead",
                        FailurePictures::deadPeer));
    }

    private static Sequence halfClose(Capture capture, boolean halfClose) throws Exception {
        Duration deadline = Duration.ofMillis(halfClose ? 10_000 : 300);
        try (HalfCloseServer server = HalfCloseServer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                deadline, 1024, new WatchedLog())) {
            Thread serving = Thread.ofPlatform().start(server::serve);
            int port = server.localAddress().getPort();
            Sequence picture = new Sequence(WireScenario.clientAndServer(port))
                    .participant("C", halfClose ? "client (HalfCloseClient)" : "client (no half-close)")
                    .participant("S", "server (HalfCloseServer)");
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                InputStream request = new ByteArrayInputStream("hello".getBytes(StandardCharsets.US_ASCII));
                byte[] answer = HalfCloseClient.exchange(socket, request, halfClose);
                picture.addAll(capture.sync()).note("C", "read to -1: " + new String(answer, StandardCharsets.US_ASCII).strip());
            }
            server.close();
            serving.join(5_000);
            return picture.addAll(capture.sync());
        }
    }

    private static Sequence reset(Capture capture) throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.socket().getLocalPort())) {
            Sequence picture = new Sequence(WireScenario.clientAndServer(listener.socket().getLocalPort()))
                    .participant("C", "client").participant("S", "server (SocketChannel)");
            try (SocketChannel server = listener.accept()) {
                client.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                WireScenario.awaitArrow(capture, picture, a -> a.from().equals("C") && a.label().contains("5 bytes"));
                picture.note("S", "close() with 5 bytes unread");
            }
            client.setSoTimeout(5_000);
            try {
                int n = client.getInputStream().read();
                picture.addAll(capture.sync()).note("C", "read() returns " + n);
            } catch (IOException e) {
                picture.addAll(capture.sync()).note("C", "read() throws " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            return picture;
        }
    }

    private static Sequence deadPeer(Capture capture) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
             Socket peer = listener.accept()) {
            Sequence picture = new Sequence(WireScenario.clientAndServer(listener.getLocalPort()))
                    .participant("C", "client (Heartbeat)").participant("S", "peer");
            client.setOption(StandardSocketOptions.TCP_NODELAY, true); // each ping its own segment
            client.getOutputStream().write('p');
            peer.getInputStream().read();
            peer.getOutputStream().write('p'); // a pong: alive
            client.getInputStream().read();
            picture.addAll(capture.sync()).note("S", "alive: it answers a ping");
            nft("add table inet pictures",
                    "add chain inet pictures in { type filter hook input priority 0 ; policy drop ; }");
            try {
                picture.note("S", "now a rule drops every packet, as a dead host or a cut cable would");
                Heartbeat heartbeat = new Heartbeat(client, Duration.ofMillis(100), 2, () -> client.getOutputStream().write('p'));
                try {
                    heartbeat.read(new byte[16]);
                    throw new IllegalStateException("the heartbeat read returned");
                } catch (Heartbeat.PeerDeadException e) {
                    picture.addAll(capture.sync()).note("C", "PeerDeadException after 3 silent intervals, pings included");
                }
            } finally {
                nft("delete table inet pictures");
            }
            return picture;
        }
    }

    private static void nft(String... commands) throws IOException, InterruptedException {
        for (String command : commands) {
            Process p = new ProcessBuilder("sh", "-c", "nft '" + command.replace("'", "") + "'").redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("nft " + command + " failed: " + new String(p.getInputStream().readAllBytes()));
            }
        }
    }
}
