package sockets.echo;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import sockets.docs.ReadWatch;
import sockets.docs.WireScenario;
import sockets.raw.Capture;
import sockets.raw.Sequence;

/** Lesson 01 on the wire: a connection's life, and a reply that arrives in two segments. */
public final class EchoPictures {

    private static final byte[] HELLO = "Hello, world!".getBytes(StandardCharsets.US_ASCII);

    private EchoPictures() {
    }

    public static List<WireScenario> scenarios() {
        return List.of(
                new WireScenario("01/handshake-and-close",
                        "EchoClient sends 6 bytes to EchoServer, gets them back, and both sides close", EchoPictures::handshakeAndClose),
                new WireScenario("01/reply-in-two-segments",
                        "the echo comes in two segments; NaiveEchoClient's one read returns the first", EchoPictures::naive),
                new WireScenario("01/whole-reply",
                        "the same two segments; EchoClient reads until it has all 13 bytes", EchoPictures::whole));
    }

    private static Sequence handshakeAndClose(Capture capture) throws Exception {
        try (EchoServer server = EchoServer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Duration.ofSeconds(10), new PrintStream(OutputStream.nullOutputStream()))) {
            Thread serving = Thread.ofPlatform().start(server::serve);
            int port = server.localAddress().getPort();
            Sequence picture = new Sequence(WireScenario.clientAndServer(port))
                    .participant("C", "client (EchoClient)").participant("S", "server (EchoServer)");
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                picture.addAll(capture.sync()).note("C", "connect() returns");
                byte[] echo = EchoClient.roundTrip(socket.getInputStream(), socket.getOutputStream(),
                        "hello\n".getBytes(StandardCharsets.US_ASCII));
                picture.addAll(capture.sync()).note("C", "the whole echo read: " + echo.length + " bytes");
                socket.shutdownOutput();
                int end = socket.getInputStream().read(); // -1 once the server has closed its side too
                picture.addAll(capture.sync()).note("C", "read() returns " + end);
            }
            server.close();
            serving.join(TimeUnit.SECONDS.toMillis(5));
            return picture.addAll(capture.sync());
        }
    }

    private static Sequence naive(Capture capture) throws Exception {
        return twoPieces(capture, "client (NaiveEchoClient)", (in, out) -> NaiveEchoClient.roundTrip(in, out, HELLO));
    }

    private static Sequence whole(Capture capture) throws Exception {
        return twoPieces(capture, "client (EchoClient)", (in, out) -> EchoClient.roundTrip(in, out, HELLO));
    }

    private interface Client {
        byte[] roundTrip(InputStream in, OutputStream out) throws Exception;
    }

    /** The request, an echo in two pieces (the second sent only once the client's first read returned), the close. */
    private static Sequence twoPieces(Capture capture, String client, Client roundTrip) throws Exception {
        try (TwoPieceEchoPeer peer = new TwoPieceEchoPeer(HELLO.length, 7);
             Socket socket = peer.connect()) {
            Sequence picture = new Sequence(WireScenario.clientAndServer(socket.getPort()))
                    .participant("C", client).participant("S", "server (TwoPieceEchoPeer)");
            InputStream in = peer.watch(new ReadWatch(socket.getInputStream(), n -> picture.addAll(capture.sync())
                    .note("C", "read() returns " + Sequence.bytes(n))));
            byte[] reply = roundTrip.roundTrip(in, socket.getOutputStream());
            picture.note("C", "the reply: " + new String(reply, StandardCharsets.US_ASCII) + " (" + Sequence.bytes(reply.length) + ")");
            peer.done.get(5, TimeUnit.SECONDS); // the peer has sent the rest and its FIN
            // Read what is left so that the close is an orderly one (unread input would reset).
            socket.getInputStream().transferTo(OutputStream.nullOutputStream());
            socket.close();
            return picture.addAll(capture.sync());
        }
    }
}
