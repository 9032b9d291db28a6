package sockets.threaded;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import sockets.docs.WatchedLog;
import sockets.docs.WireScenario;
import sockets.raw.Capture;
import sockets.raw.Sequence;
import tools.jackson.databind.JsonNode;

/** Lesson 05 on the wire: an answer read to the end of the stream, and a refusal that ends with FIN. */
public final class ThreadedPictures {

    private ThreadedPictures() {
    }

    public static List<WireScenario> scenarios() {
        return List.of(
                new WireScenario("05/answer-to-the-end",
                        "ClientListClient sends its name and half-closes; the answer ends with the server's FIN", ThreadedPictures::answer),
                new WireScenario("05/refusal-ends-with-fin",
                        "a client past the cap is refused: the server half-closes, reads what the client still sends, and closes without a reset",
                        ThreadedPictures::refusal));
    }

    private static Sequence answer(Capture capture) throws Exception {
        try (ClientListServer server = ClientListServer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                "virtual", Duration.ofSeconds(10), 10, new WatchedLog())) {
            Thread serving = Thread.ofPlatform().start(server::serve);
            int port = server.localAddress().getPort();
            Sequence picture = new Sequence(WireScenario.clientAndServer(port))
                    .participant("C", "client (ClientListClient)").participant("S", "server (ClientListServer)");
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                JsonNode list = ClientListClient.register(socket, "alice");
                picture.addAll(capture.sync()).note("C", "read to -1: the whole list, " + list.size() + " name");
            }
            server.close();
            serving.join(5_000);
            return picture.addAll(capture.sync());
        }
    }

    private static Sequence refusal(Capture capture) throws Exception {
        try (ClientListServer server = ClientListServer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                "virtual", Duration.ofSeconds(10), 1, new WatchedLog())) {
            Thread serving = Thread.ofPlatform().start(server::serve);
            int port = server.localAddress().getPort();
            Sequence picture;
            try (Socket holder = new Socket(InetAddress.getLoopbackAddress(), port);
                 Socket late = new Socket(InetAddress.getLoopbackAddress(), port)) {
                picture = new Sequence(WireScenario.between(late.getLocalPort(), port))
                        .participant("C", "client past the cap").participant("S", "server (ClientListServer)");
                WireScenario.awaitArrow(capture, picture, a -> a.from().equals("S") && a.label().contains("FIN"));
                picture.note("S", "refused, and half-closed: the server still reads");
                JsonNode answer = ClientListClient.register(late, "bob"); // its name arrives after the refusal
                picture.addAll(capture.sync()).note("C", ClientListClient.refusal(answer));
                holder.close();
            }
            server.close();
            serving.join(5_000);
            return picture.addAll(capture.sync());
        }
    }
}
