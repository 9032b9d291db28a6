package sockets.udp;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import sockets.docs.WatchedLog;
import sockets.docs.WireScenario;
import sockets.raw.Capture;
import sockets.raw.Sequence;

/** Lesson 04 on the wire: a 9,000-byte datagram, cut to 8,192 bytes by one receive, then refused whole. */
public final class UdpPictures {

    private UdpPictures() {
    }

    public static List<WireScenario> scenarios() {
        return List.of(
                new WireScenario("04/datagram-cut-short",
                        "9,000 bytes on the wire; one receive() into 8,192 bytes returns 8,192 and no error",
                        UdpPictures::naive),
                new WireScenario("04/oversized-datagram-dropped",
                        "the same datagram to UdpServer: noticed and dropped; the next request is answered",
                        UdpPictures::server));
    }

    private static Sequence naive(Capture capture) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (DatagramSocket receiver = new DatagramSocket(0, loopback); DatagramSocket sender = new DatagramSocket(0, loopback)) {
            Sequence picture = new Sequence(WireScenario.clientAndServer(receiver.getLocalPort()))
                    .participant("C", "sender").participant("S", "receiver");
            sender.send(new DatagramPacket(new byte[9000], 9000, receiver.getLocalSocketAddress()));
            DatagramPacket packet = new DatagramPacket(new byte[8192], 8192);
            receiver.receive(packet);
            return picture.addAll(capture.sync()).note("S", "receive() into 8,192 bytes returns "
                    + Sequence.bytes(packet.getLength()) + ", no error: the rest is gone");
        }
    }

    private static Sequence server(Capture capture) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        WatchedLog log = new WatchedLog();
        try (UdpServer server = UdpServer.bind(new InetSocketAddress(loopback, 0), false, 8192, log);
             DatagramSocket client = new DatagramSocket(0, loopback)) {
            Thread serving = Thread.ofPlatform().start(() -> {
                try {
                    server.serve();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Sequence picture = new Sequence(WireScenario.clientAndServer(server.localAddress().getPort()))
                    .participant("C", "client").participant("S", "server (UdpServer)");
            client.send(new DatagramPacket(new byte[9000], 9000, server.localAddress()));
            log.await("larger than 8192");
            picture.addAll(capture.sync()).note("S", "Datagrams.receive: more than 8,192 bytes, dropped, not used cut short");
            byte[] request = "#1 hello".getBytes(StandardCharsets.UTF_8);
            client.send(new DatagramPacket(request, request.length, server.localAddress()));
            DatagramPacket answer = new DatagramPacket(new byte[8192], 8192);
            client.setSoTimeout(5_000);
            client.receive(answer);
            picture.addAll(capture.sync()).note("C", new String(answer.getData(), 0, answer.getLength(), StandardCharsets.UTF_8));
            server.close();
            serving.join(5_000);
            return picture;
        }
    }
}
