package sockets.failure.exercises;

import static sockets.exercise.Teach.check;
import static sockets.exercise.Teach.hex;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import sockets.exercise.Teach;
import sockets.exercise.Who;
import sockets.failure.HalfCloseServer;

/**
 * The stages of the half-close-client exercise. The reference is
 * {@link sockets.failure.HalfCloseClient#exchange} with the half-close; the naive code is the same
 * call without it ({@code --half-close no}), which leaves the server waiting for the request's end.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(Who.Resolver.class)
class HalfCloseClientStages {

    private static final String README = " (07-shutdown-and-failure/README.md, \"End the request with a half-close\")";

    interface Exchange {
        byte[] exchange(Socket socket, byte[] request) throws IOException;
    }

    private static Exchange subject(Who who) {
        return who.pick(() -> HalfCloseClient::exchange,
                () -> (s, r) -> sockets.failure.HalfCloseClient.exchange(s, new ByteArrayInputStream(r), true),
                () -> (s, r) -> sockets.failure.HalfCloseClient.exchange(s, new ByteArrayInputStream(r), false));
    }

    /** A peer for one connection: what it does with the request it read to end of stream. */
    interface Peer {
        void answer(byte[] request, Socket socket) throws IOException;
    }

    /** How one exchange ended: the answer it returned, or what it threw, or still running at the bound. */
    private record Outcome(byte[] answer, Throwable thrown, boolean stillRunning) {
    }

    private static byte[] againstLessonServer(Who who, byte[] request) throws Exception {
        try (HalfCloseServer server = HalfCloseServer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Duration.ofSeconds(10), 1 << 20, System.err)) {
            Thread.ofVirtual().start(server::serve);
            return bounded(who, server.localAddress(), request, 2000);
        }
    }

    private static byte[] againstPeer(Who who, byte[] request, Peer peer) throws Exception {
        return againstPeer(who, request, 2000, peer);
    }

    /** One exchange with {@code peer}, the caller having set a read timeout of {@code soTimeout} ms. */
    private static byte[] againstPeer(Who who, byte[] request, int soTimeout, Peer peer) throws Exception {
        return bounded(request, soTimeout, attemptWithPeer(who, request, soTimeout, peer));
    }

    private static Outcome attemptWithPeer(Who who, byte[] request, int soTimeout, Peer peer) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = listener.accept()) {
                    s.setSoTimeout(5000);
                    peer.answer(s.getInputStream().readAllBytes(), s);
                } catch (IOException ignored) { // the stage reports what the client saw
                }
            });
            return attempt(who, (InetSocketAddress) listener.getLocalSocketAddress(), request, soTimeout);
        }
    }

    /** One exchange that must succeed, with a read timeout of {@code soTimeout} ms on the client's socket. */
    private static byte[] bounded(Who who, InetSocketAddress server, byte[] request, int soTimeout) throws Exception {
        return bounded(request, soTimeout, attempt(who, server, request, soTimeout));
    }

    /** The answer of an exchange that must succeed, or the stage's verdict on why it did not. */
    private static byte[] bounded(byte[] request, int soTimeout, Outcome outcome) throws Exception {
        String sent = request.length == 0 ? "an empty request (0 bytes)" : hex(request);
        if (outcome.stillRunning()) {
            throw Teach.failure(sent, "nothing after 10 s", "the answer", "every wait must be bounded" + README);
        }
        Throwable cause = outcome.thrown();
        if (cause == null) {
            return outcome.answer();
        }
        if (cause instanceof SocketTimeoutException) {
            throw Teach.failure(sent, "no answer: the read timed out after " + soTimeout / 1000.0 + " s",
                    "the answer, then end of stream", "the server answers only at the end of your request; without"
                            + " shutdownOutput() it is still waiting for the end of your request"
                            + (request.length == 0 ? " (an empty request needs its end too: shut down the output"
                                    + " even when there was nothing to write)" : "") + README);
        }
        if (cause instanceof Exception ex) {
            throw ex;
        }
        throw new AssertionError(cause);
    }

    /** One exchange, with a read timeout of {@code soTimeout} ms set on the client's socket and a 10 s bound on the whole. */
    private static Outcome attempt(Who who, InetSocketAddress server, byte[] request, int soTimeout) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(server, 2000);
            socket.setSoTimeout(soTimeout); // the caller's bound on each read
            CompletableFuture<byte[]> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return subject(who).exchange(socket, request);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, Thread::startVirtualThread);
            try {
                return new Outcome(answer.get(10, TimeUnit.SECONDS), null, false);
            } catch (TimeoutException e) {
                return new Outcome(null, null, true);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause() : e.getCause();
                return new Outcome(null, cause, false);
            }
        }
    }

    private static byte[] upper(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1).toUpperCase(Locale.ROOT).getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    @Order(1)
    @DisplayName("1. a short request to the lesson's server, and an empty one")
    void shortRequest(Who who) throws Exception {
        byte[] request = "hello, server".getBytes(StandardCharsets.US_ASCII);
        byte[] got = againstLessonServer(who, request);
        check(Arrays.equals(got, upper(request)), hex(request), hex(got), hex(upper(request)),
                "the server answers with the request in upper case, once it has seen the request's end" + README);
        // An empty request is all end: this peer answers how many bytes it read, once it has seen the end.
        byte[] empty = againstPeer(who, new byte[0], (r, s) -> s.getOutputStream().write(
                ("got " + r.length + " bytes").getBytes(StandardCharsets.US_ASCII)));
        byte[] expected = "got 0 bytes".getBytes(StandardCharsets.US_ASCII);
        check(Arrays.equals(empty, expected), "an empty request (0 bytes) to a peer that answers how many bytes it read",
                hex(empty), hex(expected), "the peer answers once it has seen the request's end" + README);
    }

    @Test
    @Order(2)
    @DisplayName("2. a 512 KiB request gets its whole answer")
    void largeRequest(Who who) throws Exception {
        byte[] request = new byte[512 * 1024];
        Arrays.fill(request, (byte) 'q');
        byte[] got = againstLessonServer(who, request);
        check(Arrays.equals(got, upper(request)), "512 KiB of 'q'", got.length + " bytes", request.length + " bytes of 'Q'",
                "write all of it, end it, then read to the end" + README);
    }

    @Test
    @Order(3)
    @DisplayName("3. an answer that comes late, in 50 pieces, with a 2.5 s pause")
    void lateAndInPieces(Who who) throws Exception {
        byte[] request = "take your time".getBytes(StandardCharsets.US_ASCII);
        byte[] answer = new byte[5000];
        Arrays.fill(answer, (byte) 'z');
        // The caller allows 8 s a read; the peer's pause is its own, so a client that reads to end of
        // stream gets all 5000 bytes however loaded the machine is. A client that takes a second of
        // quiet for the end would have to be stalled for 1.5 s to get past the pause.
        byte[] got = againstPeer(who, request, 8000, (r, s) -> {
            OutputStream out = s.getOutputStream();
            LockSupport.parkNanos(300_000_000L);
            for (int at = 0; at < answer.length; at += 100) {
                out.write(answer, at, 100);
                out.flush();
                LockSupport.parkNanos(at == 2400 ? 2_500_000_000L : 2_000_000);
            }
        });
        check(Arrays.equals(got, answer), hex(request) + "; the peer waits 0.3 s, then answers 5000 bytes in 50 pieces,"
                + " pausing 2.5 s after the 25th; the socket's read timeout (the caller's) is 8 s",
                got.length + " bytes", "5000 bytes", "after a half-close the socket still reads: read until end of stream;"
                        + " a pause in the answer is not its end, only the server's close is" + README);
    }

    @Test
    @Order(4)
    @DisplayName("4. a server that closes without answering: an empty answer")
    void noAnswer(Who who) throws Exception {
        byte[] got = againstPeer(who, "anyone?".getBytes(StandardCharsets.US_ASCII), (r, s) -> { });
        check(got != null && got.length == 0, "\"anyone?\"; the peer reads it and closes", hex(got), "0 bytes",
                "end of stream at once is an empty answer, not an error" + README);
    }

    @Test
    @Order(5)
    @DisplayName("5. every byte value comes back unchanged")
    void binary(Who who) throws Exception {
        byte[] request = new byte[256];
        for (int i = 0; i < request.length; i++) {
            request[i] = (byte) i;
        }
        byte[] got = againstPeer(who, request, (r, s) -> s.getOutputStream().write(r));
        check(Arrays.equals(got, request), "the 256 byte values to a peer that sends them back", hex(got), hex(request),
                "bytes are bytes: never decode them as text on the way" + README);
    }

    @Test
    @Order(6)
    @DisplayName("6. a server that stalls mid-answer: the caller's read timeout reaches the caller")
    void stallMidAnswer(Who who) throws Exception {
        byte[] request = "and then?".getBytes(StandardCharsets.US_ASCII);
        CountDownLatch over = new CountDownLatch(1);
        // The peer sends 100 bytes, then nothing until this stage has its verdict: no amount of waiting
        // gets the rest, so the only right outcome is the caller's SocketTimeoutException.
        Outcome outcome = attemptWithPeer(who, request, 500, (r, s) -> {
            OutputStream out = s.getOutputStream();
            out.write(new byte[100]);
            out.flush();
            try {
                over.await(15, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.write(new byte[100]);
        });
        over.countDown();
        String sent = hex(request) + "; the peer answers 100 bytes, then stalls (neither sends nor closes);"
                + " the caller set a 500 ms read timeout on the socket";
        if (outcome.stillRunning()) {
            throw Teach.failure(sent, "still waiting after 10 s", "SocketTimeoutException after about 500 ms",
                    "the socket's read timeout is the caller's bound on a server that stops answering: leave it in place"
                            + " (no setSoTimeout(0), no timeout of your own), and its SocketTimeoutException reaches them" + README);
        }
        if (outcome.thrown() == null) {
            throw Teach.failure(sent, outcome.answer().length + " bytes returned as if they were the whole answer",
                    "SocketTimeoutException: the answer did not end, the server stalled",
                    "only end of stream ends the answer; a read timeout means the answer is incomplete: let the"
                            + " SocketTimeoutException go to the caller instead of returning what came so far" + README);
        }
        check(outcome.thrown() instanceof SocketTimeoutException, sent, Teach.thrown(outcome.thrown()) + Teach.where(outcome.thrown()),
                "SocketTimeoutException", "the caller's timeout must reach them as the timeout it is" + README);
    }

    @Test
    @Order(7)
    @DisplayName("7. a server that resets mid-answer: the reset reaches the caller")
    void resetMidAnswer(Who who) throws Exception {
        byte[] request = "all of it, please".getBytes(StandardCharsets.US_ASCII);
        Outcome outcome = attemptWithPeer(who, request, 2000, (r, s) -> {
            OutputStream out = s.getOutputStream();
            out.write(new byte[1000]);
            out.flush();
            s.setSoLinger(true, 0); // the close is a reset (RST), not an end of stream (FIN): the server aborted
        });
        String sent = hex(request) + "; the peer answers 1000 bytes, then resets the connection (a crash, an abort)";
        if (outcome.stillRunning()) {
            throw Teach.failure(sent, "still waiting after 10 s", "SocketException: Connection reset", "a reset ends the connection" + README);
        }
        if (outcome.thrown() == null) {
            throw Teach.failure(sent, outcome.answer().length + " bytes returned as if they were the whole answer",
                    "SocketException (Connection reset)", "only end of stream (the server's FIN) ends the answer; a reset means the"
                            + " server gave up part-way, so what came is not the whole answer: let the exception reach the caller" + README);
        }
        check(outcome.thrown() instanceof SocketException, sent, Teach.thrown(outcome.thrown()) + Teach.where(outcome.thrown()),
                "SocketException (Connection reset)", "report the reset as it is: it is not a timeout" + README);
    }
}
