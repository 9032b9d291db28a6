package sockets.udp.exercises;

import static sockets.exercise.Teach.check;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import sockets.exercise.Teach;
import sockets.exercise.Who;
import sockets.udp.Datagrams;
import sockets.udp.LossyRelay;
import sockets.udp.LossyRelay.Action;
import sockets.udp.LossyRelay.Direction;
import sockets.udp.LossyRelay.Rule;
import sockets.udp.NaiveUdpClient;
import sockets.udp.UdpServer;

/**
 * The stages of the stop-and-wait exercise, through {@link LossyRelay} to a real echoing
 * {@link UdpServer}. Loss is scripted by position, never random, so each stage is the same on
 * every run. The reference is {@link sockets.udp.UdpClient}; the naive code
 * ({@link NaiveUdpClient#requestWithBlindRetries}) has no numbers and takes a late duplicate for the answer.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(Who.Resolver.class)
class StopAndWaitStages {

    private static final String README = " (04-udp/README.md, \"Number the request, bound the wait, retry, and make retries harmless\")";
    private static final Duration TIMEOUT = Duration.ofMillis(300);
    private static final int RETRIES = 2;

    interface Requester {
        byte[] request(byte[] body) throws IOException;
    }

    private UdpServer server;
    private LossyRelay relay;
    private DatagramSocket socket;
    private DatagramSocket strayServer;

    private Requester client(Who who, Rule rule) throws IOException {
        server = UdpServer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), true, 8192, System.err);
        Thread.ofVirtual().start(() -> {
            try {
                server.serve();
            } catch (IOException ignored) { // a test server; the stage shows what went wrong
            }
        });
        relay = new LossyRelay(server.localAddress(), rule);
        return requester(who, relay.address());
    }

    /** The client under test, on a socket connected to {@code peer}. */
    private Requester requester(Who who, SocketAddress peer) throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.connect(peer);
        // No SO_TIMEOUT of its own (0: wait for ever), like any new socket: the client bounds its waits with its timeout.
        DatagramSocket s = socket;
        return who.pick(() -> new UdpClient(s, TIMEOUT, RETRIES)::request,
                () -> {
                    try {
                        sockets.udp.UdpClient reference = new sockets.udp.UdpClient(s, TIMEOUT, RETRIES);
                        return body -> reference.request(body).body();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                },
                () -> body -> {
                    s.setSoTimeout((int) TIMEOUT.toMillis()); // the naive code needs it set; its pitfall is stage 4's
                    return NaiveUdpClient.requestWithBlindRetries(s, body, RETRIES);
                });
    }

    @AfterEach
    void close() throws Exception {
        if (socket != null) {
            socket.close();
        }
        if (relay != null) {
            relay.close();
        }
        if (server != null) {
            server.close();
        }
        if (strayServer != null) {
            strayServer.close();
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return b == null ? "null" : "\"" + new String(b, StandardCharsets.UTF_8) + "\"";
    }

    /** Runs a request with a bound, so that a client that waits for ever fails the stage instead of hanging it. */
    private static byte[] bounded(Requester client, byte[] body) throws Exception {
        CompletableFuture<byte[]> answer = CompletableFuture.supplyAsync(() -> {
            try {
                return client.request(body);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, Thread::startVirtualThread);
        try {
            return answer.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw Teach.failure(text(body), "no result after 10 s", "an answer, or SocketTimeoutException after "
                    + (RETRIES + 1) + " tries", "a lost datagram is never coming: wait a bounded time, then send again; the socket you are"
                            + " given has no timeout of its own (SO_TIMEOUT 0 waits for ever), so set it yourself, from your timeout, before"
                            + " each receive" + README);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause() : e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw (Error) cause;
        }
    }

    /** Stage 1's second body: 2,000 bytes that are not text (ff 00 80 61 ...), longer than a 1,024-byte buffer. */
    static byte[] binaryBody() {
        byte[] body = new byte[2000];
        byte[] start = {(byte) 0xff, 0x00, (byte) 0x80, 0x61};
        for (int i = 0; i < body.length; i++) {
            body[i] = i < start.length ? start[i] : (byte) (i * 31 + 7);
        }
        return body;
    }

    @Test
    @Order(1)
    @DisplayName("1. an answer, when nothing is lost, byte for byte: a binary body of 2,000 bytes too")
    void noLoss(Who who) throws Exception {
        Requester client = client(who, (d, i) -> Action.PASS);
        byte[] got = bounded(client, ascii("hello"));
        check(got != null && new String(got, StandardCharsets.UTF_8).equals("hello"), "\"hello\" to an echoing server",
                text(got), "\"hello\" (the answer's body, without its #ID prefix)", "request() returns the body of the answer" + README);
        byte[] binary = binaryBody();
        byte[] back = bounded(client, binary);
        String difference = sockets.cli.Wire.difference(binary, back == null ? new byte[0] : back);
        check(difference == null, "a body of " + binary.length + " bytes that is not text (" + Teach.hex(Arrays.copyOf(binary, 8))
                        + " ...) to an echoing server", back == null ? "null" : difference,
                "the same " + binary.length + " bytes back", "the body is bytes: a receive buffer smaller than the answer cuts it"
                        + " without a word (size it for the largest datagram, 65,536 bytes), and a body taken through a String changes"
                        + " every byte that is not UTF-8 text; strip the \"#ID \" prefix by its length in bytes" + README);
    }

    @Test
    @Order(2)
    @DisplayName("2. the request is lost twice: send it again after each timeout, and wait for the last try's answer too")
    void requestLost(Who who) throws Exception {
        Requester client = client(who, Rule.drop(Direction.TO_SERVER, 0, 1));
        String got;
        try {
            got = text(bounded(client, ascii("again")));
        } catch (SocketTimeoutException e) {
            got = "SocketTimeoutException (" + e.getMessage() + ")";
        }
        check(got.equals("\"again\""),
                "\"again\" with retries " + RETRIES + "; the relay drops the first two requests and passes the third",
                got, "\"again\", the answer to the last of the " + (RETRIES + 1) + " sends",
                "nothing tells a UDP client that its datagram was lost (U-02): only a timeout does; and every send, the last one"
                        + " too, gets its full wait for an answer" + README);
    }

    @Test
    @Order(3)
    @DisplayName("3. the answer is lost once: the retry is answered, the request processed once")
    void answerLost(Who who) throws Exception {
        byte[] got = bounded(client(who, Rule.drop(Direction.TO_CLIENT, 0)), ascii("once"));
        check(got != null && new String(got, StandardCharsets.UTF_8).equals("once") && server.processed() == 1,
                "\"once\"; the relay drops the first answer", text(got) + ", the server processed " + server.processed() + " request(s)",
                "\"once\", processed once", "a retry must carry the same #ID, so the server answers it from memory instead of doing the work twice" + README);
    }

    @Test
    @Order(4)
    @DisplayName("4. a late duplicate of an earlier answer is not taken for this one's")
    void lateDuplicate(Who who) throws Exception {
        Requester client = client(who, Rule.at(Direction.TO_CLIENT, Action.DUPLICATE, 0));
        byte[] first = bounded(client, ascii("first"));
        byte[] second = bounded(client, ascii("second"));
        check(second != null && new String(second, StandardCharsets.UTF_8).equals("second"),
                "\"first\" (its answer arrives twice), then \"second\"", "first " + text(first) + ", second " + text(second),
                "second \"second\"", "the copy of the first answer was waiting in the socket: match answers to requests by #ID and skip the others" + README);
    }

    @Test
    @Order(5)
    @DisplayName("5. everything lost: give up after retries + 1 sends")
    void giveUp(Who who) throws Exception {
        Requester client = client(who, (d, i) -> d == Direction.TO_SERVER ? Action.DROP : Action.PASS);
        try {
            byte[] got = bounded(client, ascii("anyone?"));
            throw Teach.failure("\"anyone?\"; the relay drops every request", text(got), "SocketTimeoutException", "there was no answer to return" + README);
        } catch (SocketTimeoutException expected) {
            check(relay.dropped.get() == RETRIES + 1, "\"anyone?\" with retries " + RETRIES + "; every request dropped",
                    relay.dropped.get() + " requests sent", (RETRIES + 1) + " requests, then SocketTimeoutException",
                    "the retries are bounded: a client that never gives up hangs, one that stops early gives up too soon" + README);
        }
    }

    /**
     * Stage 6's stray answers: one every {@value #STRAY_EVERY_MS} ms for 4 s, over ten times a try's timeout (room for a
     * loaded machine), and short enough that a client that never retries meanwhile still fails within the 10 s bound.
     */
    private static final int STRAY_EVERY_MS = 10;
    private static final Duration STRAYS_FOR = Duration.ofSeconds(4);

    @Test
    @Order(6)
    @DisplayName("6. answers to other requests that keep arriving do not put off the retry")
    void straysKeepComing(Who who) throws Exception {
        strayServer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Requester client = requester(who, strayServer.getLocalSocketAddress());
        AtomicInteger straysBeforeRetry = new AtomicInteger(-1);
        DatagramSocket peer = strayServer;
        Thread.ofVirtual().start(() -> strays(peer, straysBeforeRetry));
        String sent = "\"late\"; the first try is not answered, but answers with other ids arrive every " + STRAY_EVERY_MS + " ms";
        String got;
        try {
            got = text(bounded(client, ascii("late")));
        } catch (SocketTimeoutException e) {
            got = "SocketTimeoutException (" + e.getMessage() + ")";
        }
        int strays = straysBeforeRetry.get();
        check(got.equals("\"late\"") && strays >= 0, sent,
                got + (strays < 0 ? ", and no retry while stray answers came for " + STRAYS_FOR.toSeconds() + " s" : ""),
                "a retry after about " + TIMEOUT.toMillis() + " ms, answered \"late\"",
                "a try lasts the timeout from its send: a wait that starts again with each datagram never ends while strays keep coming"
                        + README);
    }

    /** Takes the first try, answers it with nothing but strays, and answers a retry with the same id properly. */
    private static void strays(DatagramSocket peer, AtomicInteger straysBeforeRetry) {
        try {
            byte[] buffer = new byte[2048];
            DatagramPacket first = new DatagramPacket(buffer, buffer.length);
            peer.setSoTimeout(10_000);
            peer.receive(first);
            SocketAddress client = first.getSocketAddress();
            long id = Datagrams.requestId(Arrays.copyOf(buffer, first.getLength()));
            peer.setSoTimeout(STRAY_EVERY_MS);
            long end = System.nanoTime() + STRAYS_FOR.toNanos();
            for (int n = 0; n < 100_000 && System.nanoTime() - end < 0; n++) {
                byte[] stray = Datagrams.withId(Math.abs(id) + 1 + n, ascii("stale"));
                peer.send(new DatagramPacket(stray, stray.length, client));
                DatagramPacket retry = new DatagramPacket(buffer, buffer.length);
                try {
                    peer.receive(retry);
                } catch (SocketTimeoutException none) {
                    continue;
                }
                if (id >= 0 && Datagrams.requestId(Arrays.copyOf(buffer, retry.getLength())) == id) {
                    straysBeforeRetry.set(n + 1);
                    byte[] answer = Datagrams.withId(id, ascii("late"));
                    peer.send(new DatagramPacket(answer, answer.length, client));
                    return;
                }
            }
        } catch (IOException closed) {
            // the stage ended; its check says what happened
        }
    }
}
