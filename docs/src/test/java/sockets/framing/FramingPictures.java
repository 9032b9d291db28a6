package sockets.framing;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import sockets.docs.WatchedLog;
import sockets.docs.WireScenario;
import sockets.raw.Capture;
import sockets.raw.Sequence;

/** Lesson 02 on the wire: two frames in one segment, read as one message and then as two. */
public final class FramingPictures {

    private FramingPictures() {
    }

    public static List<WireScenario> scenarios() {
        return List.of(
                new WireScenario("02/two-frames-in-one-segment",
                        "two length-prefixed frames leave in one segment; NaiveFraming.readMessage takes them as one message",
                        FramingPictures::naive),
                new WireScenario("02/frames-answered-one-by-one",
                        "the same segment to FramingServer: LengthPrefixedReader finds both frames, and each is answered",
                        FramingPictures::server));
    }

    /** "hello" and "world" as two frames, written with one write so that they leave in one segment. */
    private static byte[] twoFrames() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LengthPrefixedWriter writer = new LengthPrefixedWriter(bytes, 1024);
        writer.writeFrame("hello".getBytes(StandardCharsets.US_ASCII));
        writer.writeFrame("world".getBytes(StandardCharsets.US_ASCII));
        return bytes.toByteArray();
    }

    private static Sequence naive(Capture capture) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
             Socket server = listener.accept()) {
            Sequence picture = new Sequence(WireScenario.clientAndServer(listener.getLocalPort()))
                    .participant("C", "sender").participant("S", "receiver (NaiveFraming)");
            client.getOutputStream().write(twoFrames());
            byte[] message = NaiveFraming.readMessage(server.getInputStream());
            picture.addAll(capture.sync()).note("S", "one read, one message: " + Sequence.bytes(message.length)
                    + ", both frames and their prefixes");
            client.shutdownOutput();
            int end = server.getInputStream().read();
            server.shutdownOutput();
            client.getInputStream().read();
            return picture.addAll(capture.sync()).note("C", "read() returns -1 (the receiver read " + end + " at the close)");
        }
    }

    private static Sequence server(Capture capture) throws Exception {
        try (FramingServer server = FramingServer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                FramingServer.Framing.LENGTH, 1024, Duration.ofSeconds(10), new WatchedLog())) {
            Thread serving = Thread.ofPlatform().start(server::serve);
            int port = server.localAddress().getPort();
            Sequence picture = new Sequence(WireScenario.clientAndServer(port))
                    .participant("C", "client").participant("S", "server (FramingServer)");
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                client.getOutputStream().write(twoFrames());
                LengthPrefixedReader reader = new LengthPrefixedReader(client.getInputStream(), 1024);
                byte[] first = reader.readFrame();
                byte[] second = reader.readFrame();
                picture.addAll(capture.sync()).note("C", "two frames back: " + new String(first, StandardCharsets.US_ASCII)
                        + " and " + new String(second, StandardCharsets.US_ASCII));
                client.shutdownOutput();
                client.getInputStream().read(); // -1: the server has closed its side
            }
            picture.addAll(capture.sync());
            server.close();
            serving.join(5_000);
            return picture;
        }
    }
}
