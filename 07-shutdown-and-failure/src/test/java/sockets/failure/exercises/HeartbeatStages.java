package sockets.failure.exercises;

import static sockets.exercise.Teach.check;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
        return heartbeat(who, INTERVAL, ping);
    }

    private Reader heartbeat(Who who, Duration interval, sockets.failure.Heartbeat.Ping ping) {
        return who.pick(() -> new Heartbeat(client, interval, MISSES, ping)::read,
                () -> new sockets.failure.Heartbeat(client, interval, MISSES, ping)::read, null);
    }

    /** How a read ended: what it returned, or what it threw, or still running at the bound. */
    private record Outcome(int n, Throwable thrown, boolean stillRunning) {
    }

    /** One read on a thread of its own, given 10 s: enough to prove "never" for a read that should take under 1 s. */
    private static Outcome bounded(Reader reader, byte[] buffer) throws InterruptedException {
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
            try {
                return reader.read(buffer);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, Thread::startVirtualThread);
        try {
            return new Outcome(read.get(10, TimeUnit.SECONDS), null, false);
        } catch (TimeoutException e) {
            return new Outcome(0, null, true);
        } catch (ExecutionException e) {
            return new Outcome(0, e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause(), false);
        }
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
    @DisplayName("4. a dead peer is declared dead after exactly allowedMisses pings, also with an interval under 1 ms")
    void deadPeer(Who who) throws Exception {
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
        // The same silent peer, with an interval of 0.5 ms: (int) interval.toMillis() is 0, and setSoTimeout(0) is "for ever".
        Outcome tiny = bounded(heartbeat(who, Duration.ofNanos(500_000), () -> { }), new byte[16]);
        String sent = "a peer that never answers; interval 0.5 ms, allowed misses " + MISSES;
        if (tiny.stillRunning()) {
            throw Teach.failure(sent, "still reading after 10 s", "SocketTimeoutException within a few ms",
                    "a read timeout of 0 means wait for ever: round an interval under 1 ms up to 1 ms, never down to 0" + README);
        }
        check(tiny.thrown() instanceof SocketTimeoutException, sent, tiny.thrown() == null ? "read returned " + tiny.n()
                : Teach.thrown(tiny.thrown()) + Teach.where(tiny.thrown()), "SocketTimeoutException",
                "a dead peer is declared dead whatever the interval" + README);
    }

    @Test
    @Order(5)
    @DisplayName("5. each read gets its own allowance, counted from its start")
    void allowanceResets(Who who) throws IOException {
        Reader reader = heartbeat(who, 1, MISSES + 1, MISSES + 2);
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
        // The caller is busy for longer than a whole allowance before its next read: that time is not the peer's silence.
        long pause = (MISSES + 1) * INTERVAL.toMillis() + 200;
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        String sent = "after the second read, the caller pauses " + pause + " ms (longer than the allowance of " + (MISSES + 1)
                + " intervals) before a third read; the peer answers that read's first ping (ping " + (MISSES + 2) + ")";
        before = pings.get();
        try {
            n = reader.read(buffer);
        } catch (SocketTimeoutException e) {
            throw Teach.failure(sent, Teach.thrown(e) + " after " + (pings.get() - before) + " pings", "\"pong\" after 1 ping",
                    "the allowance counts from the start of each read, not from the last byte received: the time your"
                            + " caller spends between reads is not the peer's silence" + README);
        }
        check(n > 0, sent, text(buffer, n) + " after " + (pings.get() - before) + " pings", "\"pong\" after 1 ping",
                "the allowance counts from the start of each read" + README);
    }

    @Test
    @Order(6)
    @DisplayName("6. a ping stuck in its write neither stops the clock nor piles up")
    void stuckPing(Who who) throws Exception {
        // A peer that is gone while the send buffer is full: the ping's write blocks. Here send() blocks
        // until the stage is over, which is the same to the heartbeat and does not depend on buffer sizes.
        CountDownLatch over = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        Reader reader = heartbeat(who, INTERVAL, () -> {
            started.incrementAndGet();
            try {
                over.await();
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException("ping interrupted");
            }
        });
        Outcome outcome;
        try {
            outcome = bounded(reader, new byte[16]);
        } finally {
            over.countDown();
        }
        String sent = "a peer that never answers, and a ping whose send() blocks (a full send buffer); interval "
                + INTERVAL.toMillis() + " ms, allowed misses " + MISSES;
        if (outcome.stillRunning()) {
            throw Teach.failure(sent, "still reading after 10 s (" + started.get() + " pings started)",
                    "SocketTimeoutException after about " + (MISSES + 1) * INTERVAL.toMillis() + " ms",
                    "a ping sent by the reading thread stops the clock while its write is blocked, and a dead peer is never"
                            + " declared dead: send each ping on a thread of its own" + README);
        }
        check(outcome.thrown() instanceof SocketTimeoutException, sent, outcome.thrown() == null ? "read returned " + outcome.n()
                : Teach.thrown(outcome.thrown()) + Teach.where(outcome.thrown()), "SocketTimeoutException",
                "a dead peer is declared dead even when its ping cannot be sent" + README);
        check(started.get() == 1, sent, started.get() + " pings started, all but the first while it was still blocked",
                "1 ping started", "while a ping is still blocked in its write, start no other: they would pile up, and their"
                        + " bytes could interleave with each other and with the caller's writes" + README);
    }

    @Test
    @Order(7)
    @DisplayName("7. a peer that resets: the reset reaches the caller at once")
    void peerResets(Who who) throws Exception {
        Reader reader = heartbeat(who);
        peer.setSoLinger(true, 0);
        peer.close(); // a reset (RST): the connection is gone, and the peer said so
        Outcome outcome = bounded(reader, new byte[16]);
        String sent = "a peer that resets the connection; interval " + INTERVAL.toMillis() + " ms, allowed misses " + MISSES;
        String got = outcome.stillRunning() ? "still reading after 10 s" : outcome.thrown() == null ? "read returned " + outcome.n()
                : Teach.thrown(outcome.thrown()) + Teach.where(outcome.thrown());
        check(outcome.thrown() instanceof SocketException && pings.get() == 0, sent, got + ", " + pings.get() + " pings",
                "SocketException (Connection reset) at once, 0 pings", "only a SocketTimeoutException is a silent interval:"
                        + " catch that one alone, and let any other IOException (a reset, a closed socket) go to the caller as"
                        + " it is, not as a dead-peer timeout" + README);
    }
}
