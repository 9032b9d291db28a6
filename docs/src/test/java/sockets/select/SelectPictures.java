package sockets.select;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.List;
import sockets.docs.WatchedLog;
import sockets.docs.WireScenario;
import sockets.raw.Capture;
import sockets.raw.Sequence;

/**
 * Lesson 03 on the wire: a client that does not read closes its window; the server stops sending
 * and keeps the rest of the echo queued until the window opens again (the fix), where the seed's
 * loop drops what its write could not take (the pitfall).
 */
public final class SelectPictures {

    /** One write of the client's: one segment (lo's MSS is 65,483), and more than the client's window. */
    private static final int REQUEST = 30_000;
    /** The client's receive buffer: small, so that its window closes after a few KiB. */
    private static final int CLIENT_BUFFER = 4096;

    private SelectPictures() {
    }

    public static List<WireScenario> scenarios() {
        return List.of(
                new WireScenario("03/zero-window",
                        "the client does not read: its window closes, SelectEchoServer keeps the rest queued and sends it once the window opens",
                        SelectPictures::fixed),
                new WireScenario("03/partial-write-lost",
                        "the same client against the seed's loop: what one write could not take is gone",
                        SelectPictures::naive));
    }

    private static Sequence fixed(Capture capture) throws Exception {
        try (SelectEchoServer server = SelectEchoServer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                16 * 1024, 10, Duration.ofSeconds(10), new WatchedLog())) {
            server.sendBufferForNewConnections(4096);
            Thread serving = Thread.ofPlatform().start(() -> {
                try {
                    server.serve();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            int port = server.localAddress().getPort();
            Sequence picture = new Sequence(WireScenario.clientAndServer(port)).mergeData()
                    .participant("C", "client").participant("S", "server (SelectEchoServer)");
            long got = exchange(capture, picture, port, "the rest of the echo waits in the server's queue", true);
            picture.note("C", "read " + Sequence.bytes(got) + ": the whole echo");
            server.close();
            serving.join(5_000);
            return picture;
        }
    }

    private static Sequence naive(Capture capture) throws Exception {
        try (NaiveSelectEchoServer server = new NaiveSelectEchoServer(4096)) {
            Thread serving = Thread.ofPlatform().start(() -> {
                try {
                    server.serve();
                } catch (java.io.IOException e) {
                    // closed
                }
            });
            Sequence picture = new Sequence(WireScenario.clientAndServer(server.port())).mergeData()
                    .participant("C", "client").participant("S", "server (NaiveSelectEchoServer)");
            long got = exchange(capture, picture, server.port(), "the seed's loop ignored how much write() took: the rest is gone", false);
            picture.note("C", "read " + Sequence.bytes(got) + " of " + Sequence.bytes(REQUEST));
            server.close();
            serving.join(5_000);
            return picture;
        }
    }

    /**
     * Connects with a small receive buffer, sends {@link #REQUEST} bytes in one write, waits (on the
     * capture) for the window to close, reads once, then (with {@code whole}) the rest of the echo,
     * half-closes and reads to the end. Returns the bytes read.
     */
    private static long exchange(Capture capture, Sequence picture, int port, String whileClosed, boolean whole)
            throws Exception {
        try (Socket client = new Socket()) {
            client.setOption(StandardSocketOptions.SO_RCVBUF, CLIENT_BUFFER); // before connecting: it sets the window scale
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            client.getOutputStream().write(new byte[REQUEST]);
            WireScenario.awaitArrow(capture, picture, a -> a.from().equals("C") && a.label().contains("window 0"));
            picture.note("S", whileClosed);
            // A large buffer now, so that the window, once open, stays open until the echo is read.
            client.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            client.setSoTimeout(5_000);
            int closed = picture.steps().size();
            long got = client.getInputStream().read(new byte[REQUEST]);
            WireScenario.awaitArrow(capture, picture, a -> a.from().equals("C") && a.label().contains("window opens"));
            picture.note("C", "read() returns " + Sequence.bytes(got) + ": the window opens");
            if (whole) { // the rest of the echo, before the client's FIN
                got += client.getInputStream().readNBytes(REQUEST - (int) got).length;
            } else { // the seed's loop sends what its write took, and nothing after
                WireScenario.awaitArrow(capture, picture, closed, a -> a.from().equals("S") && a.label().contains("bytes"));
            }
            client.shutdownOutput();
            got += client.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            picture.addAll(capture.sync());
            return got;
        }
    }
}
