package sockets.framing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import sockets.docs.LinkCapture;
import sockets.docs.WatchedLog;
import sockets.docs.WireScenario;
import sockets.raw.Capture;
import sockets.raw.Link;
import sockets.raw.Sequence;

/**
 * Lesson 02 on the wire: two frames in one segment, read as one message and then as two; and,
 * across lesson 06's link, a lost segment that holds up every frame behind it.
 */
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
                        FramingPictures::server),
                WireScenario.acrossALink("02/lost-segment-across-a-link",
                        "ten frames, one per segment, cross a link that loses the 3rd; frames 4 to 10 arrive but"
                                + " wait for its retransmission", "mtu=1500,delay=25ms,drop=3", FramingPictures::lostSegment));
    }

    /** "hello" and "world" as two frames, written with one write so that they leave in one segment. */
    private static byte[] twoFrames() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LengthPrefixedWriter writer = new LengthPrefixedWriter(bytes, 1024);
        writer.writeFrame("hello".getBytes(StandardCharsets.US_ASCII));
        writer.writeFrame("world".getBytes(StandardCharsets.US_ASCII));
        return bytes.toByteArray();
    }

    /** 1,444 bytes and a 4-byte prefix: one frame fills one 1,448-byte segment of a 1,500-byte-MTU link. */
    private static final int FRAME = 1_444;
    private static final int FRAMES = 10;

    /**
     * Ten frames in one write, so they leave as ten full segments at once (the first flight of a
     * new connection is ten segments); the link loses the 3rd. The receiving kernel holds frames
     * 4 to 10 but hands bytes to the program in order only: readFrame() waits for frame 3's
     * retransmission, then returns it and the seven behind it at once (head-of-line blocking).
     */
    private static Sequence lostSegment(Link link, LinkCapture capture) throws Exception {
        try (ServerSocket listener = link.call(Link.Side.SERVER, () -> new ServerSocket(0, 1, Link.SERVER_ADDRESS))) {
            listener.setSoTimeout(10_000);
            int port = listener.getLocalPort();
            Sequence picture = new Sequence(WireScenario.clientAndServer(port)).collapseRuns()
                    .participant("C", "client (LengthPrefixedWriter)").participant("S", "server (LengthPrefixedReader)")
                    .note("C,S", "across the link: " + capture.caption());
            try (Socket client = link.call(Link.Side.CLIENT, () -> new Socket(Link.SERVER_ADDRESS, port));
                 Socket server = listener.accept()) {
                server.setSoTimeout(10_000);
                capture.drawInto(picture);
                BlockingQueue<Object> frames = new LinkedBlockingQueue<>();
                Thread reader = Thread.ofPlatform().daemon().start(() -> {
                    try {
                        LengthPrefixedReader in = new LengthPrefixedReader(new BufferedInputStream(server.getInputStream()), 4096);
                        for (int i = 0; i < FRAMES; i++) {
                            frames.add(in.readFrame());
                        }
                    } catch (Exception e) {
                        frames.add(e);
                    }
                });
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                LengthPrefixedWriter writer = new LengthPrefixedWriter(bytes, 4096);
                for (int i = 1; i <= FRAMES; i++) {
                    byte[] frame = new byte[FRAME];
                    java.util.Arrays.fill(frame, (byte) ('0' + i % 10));
                    writer.writeFrame(frame);
                }
                picture.note("C", "one write() of " + FRAMES + " frames, " + Sequence.bytes(bytes.size()));
                client.getOutputStream().write(bytes.toByteArray());
                int lost = capture.droppedByRule(); // the frame the link loses, as each frame is one segment
                if (lost >= 2 && lost <= FRAMES) {
                    for (int i = 1; i < lost; i++) {
                        frame(frames, i);
                    }
                    boolean late = resent(capture.drawInto(picture));
                    picture.note("S", late ? "readFrame() returned " + frames(1, lost - 1) + " only after the retransmission"
                            + " (a slow run)" : "readFrame() returns " + frames(1, lost - 1) + ", then waits: "
                            + frames(lost + 1, FRAMES) + " are in the kernel, but TCP hands bytes over in order only");
                    for (int i = lost; i <= FRAMES; i++) {
                        frame(frames, i);
                    }
                    capture.awaitArrow(picture, 0, a -> a.label().startsWith("retransmitted"));
                    picture.note("S", "readFrame() returns frame " + lost + (lost < FRAMES ? ", then " + frames(lost + 1, FRAMES)
                            + " at once" : ""));
                } else {
                    for (int i = 1; i <= FRAMES; i++) {
                        frame(frames, i);
                    }
                    picture.note("S", "readFrame() returns all " + FRAMES + " frames");
                }
                client.shutdownOutput();
                int end = server.getInputStream().read();
                server.shutdownOutput();
                int clientEnd = client.getInputStream().read();
                capture.awaitArrow(picture, 0, a -> a.from().equals("S") && a.label().contains("FIN"));
                reader.join(5_000);
                return picture.note("S", "read() returns " + end).note("C", "read() returns " + clientEnd);
            }
        }
    }

    /** Takes frame number {@code n} from the reader (10 s at most) and checks it is that frame. */
    private static void frame(BlockingQueue<Object> frames, int n) throws Exception {
        Object got = frames.poll(10, TimeUnit.SECONDS);
        if (got instanceof Exception e) {
            throw e;
        }
        if (!(got instanceof byte[] frame) || frame.length != FRAME || frame[0] != (byte) ('0' + n % 10)) {
            throw new IllegalStateException("frame " + n + " did not come, or came wrong");
        }
    }

    /** "frame 1", "frames 1 and 2", "frames 4 to 10". */
    private static String frames(int first, int last) {
        return first == last ? "frame " + first : first + 1 == last ? "frames " + first + " and " + last
                : "frames " + first + " to " + last;
    }

    private static boolean resent(Sequence picture) {
        return picture.steps().stream().anyMatch(s -> s instanceof Sequence.Arrow a && a.label().startsWith("retransmitted"));
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
