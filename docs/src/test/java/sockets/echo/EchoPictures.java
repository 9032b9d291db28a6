package sockets.echo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import sockets.docs.LinkCapture;
import sockets.docs.ReadWatch;
import sockets.docs.WireScenario;
import sockets.raw.Capture;
import sockets.raw.Link;
import sockets.raw.Sequence;

/**
 * Lesson 01 on the wire: a connection's life, a reply that arrives in two segments, and, across
 * lesson 06's link, one large write that leaves as many segments and is read in pieces.
 */
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
                        "the same two segments; EchoClient reads until it has all 13 bytes", EchoPictures::whole),
                WireScenario.acrossALink("01/big-write-across-a-link",
                        "one write of 65,536 bytes crosses a 1,500-byte-MTU link as 1,448-byte segments; the reader's"
                                + " reads return pieces", "mtu=1500,delay=25ms", EchoPictures::bigWrite));
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

    private static final int BIG = 65_536;

    /**
     * A client writes 64 KiB with one write; across the link, a reader gets them with
     * {@link EchoClient#readExactly}, which reads until it has them all. The client closes only
     * once every byte was read, so its FIN is a segment of its own.
     */
    private static Sequence bigWrite(Link link, LinkCapture capture) throws Exception {
        try (ServerSocket listener = link.call(Link.Side.SERVER, () -> new ServerSocket(0, 1, Link.SERVER_ADDRESS))) {
            listener.setSoTimeout(10_000);
            int port = listener.getLocalPort();
            Sequence picture = new Sequence(WireScenario.clientAndServer(port)).collapseRuns()
                    .participant("C", "client (one write)").participant("S", "server (EchoClient.readExactly)")
                    .note("C,S", "across the link: " + capture.caption());
            try (Socket client = link.call(Link.Side.CLIENT, () -> new Socket(Link.SERVER_ADDRESS, port));
                 Socket server = listener.accept()) {
                server.setSoTimeout(10_000);
                capture.drawInto(picture); // the handshake: accept() returned, so its last ACK came through
                List<Integer> reads = Collections.synchronizedList(new ArrayList<>());
                CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
                    try {
                        return EchoClient.readExactly(new ReadWatch(server.getInputStream(), reads::add), BIG);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, runnable -> Thread.ofPlatform().daemon().start(runnable));
                byte[] sent = new byte[BIG];
                new java.util.Random(1).nextBytes(sent);
                picture.note("C", "write() of " + Sequence.bytes(BIG));
                client.getOutputStream().write(sent); // may wait for the reader: it returns once the kernel took every byte
                byte[] got = read.get(20, TimeUnit.SECONDS);
                if (!Arrays.equals(got, sent)) {
                    throw new IllegalStateException("the reader got other bytes than were written");
                }
                capture.drawInto(picture).note("S", readsNote(reads));
                client.shutdownOutput();
                int end = server.getInputStream().read();
                server.shutdownOutput();
                int clientEnd = client.getInputStream().read();
                capture.awaitArrow(picture, 0, a -> a.from().equals("S") && a.label().contains("FIN"));
                picture.note("S", "read() returns " + end).note("C", "read() returns " + clientEnd);
                return picture;
            }
        }
    }

    /** "readExactly needed 9 reads: 1,448 to 14,480 bytes each": sizes depend on timing, so the check ignores notes. */
    private static String readsNote(List<Integer> reads) {
        List<Integer> counted = reads.stream().filter(n -> n > 0).toList();
        int least = counted.stream().mapToInt(Integer::intValue).min().orElse(0);
        int most = counted.stream().mapToInt(Integer::intValue).max().orElse(0);
        return "readExactly got " + Sequence.bytes(BIG) + " in " + counted.size() + " reads of "
                + String.format(java.util.Locale.ROOT, "%,d", least) + " to " + Sequence.bytes(most) + " each";
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
