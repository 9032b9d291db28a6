package sockets.failure.exercises;

import static sockets.exercise.Teach.check;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import sockets.exercise.Teach;
import sockets.exercise.Who;

/**
 * The stages of the heartbeat exercise. The peer is the test: it answers a ping only when the
 * stage says so, so what the stages assert (alive or dead, and how many pings a dead peer got)
 * does not depend on how fast the machine is. The reference is {@link sockets.failure.Heartbeat}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(Who.Resolver.class)
class HeartbeatStages {

    private static final String README = " (07-shutdown-and-failure/README.md, \"Notice a dead peer\")";
    private static final Duration INTERVAL = Duration.ofMillis(200);
    private static final int MISSES = 3;

    interface Reader {
        int read(byte[] buffer) throws IOException;
    }

    private ServerSocket listener;
    private Socket client;
    private Socket peer;
    private final AtomicInteger pings = new AtomicInteger();

    @BeforeEach
    void connect() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        peer = listener.accept();
    }

    @AfterEach
    void close() throws IOException {
        client.close();
        peer.close();
        listener.close();
    }

    /** A heartbeat whose ping counts, and makes the peer answer "pong" on the ping numbers in {@code answerOn}. */
    private Reader heartbeat(Who who, int... answerOn) {
        OutputStream toClient;
        try {
            toClient = peer.getOutputStream();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        sockets.failure.Heartbeat.Ping ping = () -> {
            int n = pings.incrementAndGet();
            for (int a : answerOn) {
                if (a == n) {
                    toClient.write("pong".getBytes(StandardCharsets.US_ASCII)); // the peer's answer, written at once
                }
            }
        };
        return who.pick(() -> new Heartbeat(client, INTERVAL, MISSES, ping)::read,
                () -> new sockets.failure.Heartbeat(client, INTERVAL, MISSES, ping)::read, null);
    }

    private static String text(byte[] b, int n) {
        return n < 0 ? "end of stream" : "\"" + new String(b, 0, n, StandardCharsets.US_ASCII) + "\"";
    }

    @Test
    @Order(1)
    @DisplayName("1. data that is there is returned at once, without a ping")
    void dataAtOnce(Who who) throws IOException {
        Reader reader = heartbeat(who);
        peer.getOutputStream().write("data".getBytes(StandardCharsets.US_ASCII));
        byte[] buffer = new byte[16];
        int n = reader.read(buffer);
        check(n > 0 && pings.get() == 0, "the peer sends \"data\" before the read", text(buffer, n) + ", " + pings.get() + " pings",
                "\"data\" (or its first bytes), 0 pings", "a heartbeat only speaks when the line is quiet" + README);
    }

    @Test
    @Order(2)
    @DisplayName("2. a peer that answers the first ping is alive")
    void answersFirstPing(Who who) throws IOException {
        Reader reader = heartbeat(who, 1);
        byte[] buffer = new byte[16];
        try {
            int n = reader.read(buffer);
            check(n > 0 && pings.get() >= 1, "a quiet peer that answers ping 1 with \"pong\"", text(buffer, n) + " after " + pings.get() + " pings",
                    "\"pong\" (or its first bytes) after at least 1 ping", "after a silent interval, ping; any byte back means alive" + README);
        } catch (SocketTimeoutException e) {
            throw Teach.failure("a quiet peer that answers ping 1 with \"pong\"", Teach.thrown(e) + " after " + pings.get() + " pings",
                    "\"pong\"", "a silent interval is not death: ping, then wait again for the answer" + README);
        }
    }

    @Test
    @Order(3)
    @DisplayName("3. a peer that answers only the second ping is still alive")
    void answersSecondPing(Who who) throws IOException {
        Reader reader = heartbeat(who, 2);
        byte[] buffer = new byte[16];
        try {
            int n = reader.read(buffer);
            check(n > 0 && pings.get() >= 2, "a quiet peer that answers ping 2", text(buffer, n) + " after " + pings.get() + " pings",
                    "\"pong\" after at least 2 pings", "one unanswered ping is not death: allow " + MISSES + " misses in a row" + README);
        } catch (SocketTimeoutException e) {
            throw Teach.failure("a quiet peer that answers ping 2 (allowed misses " + MISSES + ")", Teach.thrown(e) + " after "
                    + pings.get() + " pings", "\"pong\"", "the read timeout must not end the read: ping and wait again" + README);
        }
    }

    @Test
    @Order(4)
    @DisplayName("4. a dead peer is declared dead after exactly allowedMisses pings")
    void deadPeer(Who who) throws IOException {
        Reader reader = heartbeat(who);
        long start = System.nanoTime();
        try {
            int n = reader.read(new byte[16]);
            throw Teach.failure("a peer that never answers", "read returned " + n, "SocketTimeoutException", "a dead peer sends nothing" + README);
        } catch (SocketTimeoutException expected) {
            long ms = (System.nanoTime() - start) / 1_000_000;
            check(pings.get() == MISSES && ms >= (MISSES + 1) * INTERVAL.toMillis() - 50, "a peer that never answers; interval "
                    + INTERVAL.toMillis() + " ms, allowed misses " + MISSES, pings.get() + " pings, declared dead after " + ms + " ms",
                    MISSES + " pings, at least " + (MISSES + 1) * INTERVAL.toMillis() + " ms",
                    "wait an interval, ping, and repeat; after the last allowed miss, give up with SocketTimeoutException" + README);
        }
    }

    @Test
    @Order(5)
    @DisplayName("5. each read gets its own allowance")
    void allowanceResets(Who who) throws IOException {
        Reader reader = heartbeat(who, 1, MISSES + 1);
        byte[] buffer = new byte[16];
        reader.read(buffer); // answered at ping 1
        int before = pings.get();
        int n;
        try {
            n = reader.read(buffer); // answered at its MISSES-th ping: the last one a fresh allowance has
        } catch (SocketTimeoutException e) {
            throw Teach.failure("a peer that answers ping 1, then ping " + (MISSES + 1) + " (the second read's " + MISSES + "rd)",
                    Teach.thrown(e) + " after " + (pings.get() - before) + " more pings", "\"pong\" again",
                    "misses count in a row: data resets the count for the next read" + README);
        }
        check(n > 0, "a peer that answers ping 1, then ping " + (MISSES + 1) + " (the second read's " + MISSES + "rd)", text(buffer, n) + " after " + (pings.get() - before)
                + " more pings", "\"pong\" again", "misses count in a row: data resets the count for the next read" + README);
    }
}
