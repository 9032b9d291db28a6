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
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
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
        void answer(byte[] request, OutputStream out) throws IOException;
    }

    private static byte[] againstLessonServer(Who who, byte[] request) throws Exception {
        try (HalfCloseServer server = HalfCloseServer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Duration.ofSeconds(10), 1 << 20, System.err)) {
            Thread.ofVirtual().start(server::serve);
            return bounded(who, server.localAddress(), request);
        }
    }

    private static byte[] againstPeer(Who who, byte[] request, Peer peer) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = listener.accept()) {
                    s.setSoTimeout(5000);
                    peer.answer(s.getInputStream().readAllBytes(), s.getOutputStream());
                } catch (IOException ignored) { // the stage reports what the client saw
                }
            });
            return bounded(who, (InetSocketAddress) listener.getLocalSocketAddress(), request);
        }
    }

    /** One exchange, with a 2 s read timeout on the client's socket and a 10 s bound on the whole. */
    private static byte[] bounded(Who who, InetSocketAddress server, byte[] request) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(server, 2000);
            socket.setSoTimeout(2000);
            CompletableFuture<byte[]> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return subject(who).exchange(socket, request);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, Thread::startVirtualThread);
            try {
                return answer.get(10, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw Teach.failure(hex(request), "nothing after 10 s", "the answer", "every wait must be bounded" + README);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause() : e.getCause();
                if (cause instanceof SocketTimeoutException) {
                    throw Teach.failure(hex(request), "no answer: the read timed out after 2 s",
                            "the answer, then end of stream", "the server answers only at the end of your request; without"
                                    + " shutdownOutput() it is still waiting for the end of your request" + README);
                }
                if (cause instanceof Exception ex) {
                    throw ex;
                }
                throw new AssertionError(cause);
            }
        }
    }

    private static byte[] upper(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1).toUpperCase(Locale.ROOT).getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    @Order(1)
    @DisplayName("1. a short request to the lesson's server")
    void shortRequest(Who who) throws Exception {
        byte[] request = "hello, server".getBytes(StandardCharsets.US_ASCII);
        byte[] got = againstLessonServer(who, request);
        check(Arrays.equals(got, upper(request)), hex(request), hex(got), hex(upper(request)),
                "the server answers with the request in upper case, once it has seen the request's end" + README);
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
    @DisplayName("3. an answer that comes late, in 50 pieces")
    void lateAndInPieces(Who who) throws Exception {
        byte[] request = "take your time".getBytes(StandardCharsets.US_ASCII);
        byte[] answer = new byte[5000];
        Arrays.fill(answer, (byte) 'z');
        byte[] got = againstPeer(who, request, (r, out) -> {
            LockSupport.parkNanos(300_000_000L);
            for (int at = 0; at < answer.length; at += 100) {
                out.write(answer, at, 100);
                out.flush();
                LockSupport.parkNanos(2_000_000);
            }
        });
        check(Arrays.equals(got, answer), hex(request) + "; the peer waits 0.3 s, then answers 5000 bytes in 50 pieces",
                got.length + " bytes", "5000 bytes", "after a half-close the socket still reads: read until end of stream" + README);
    }

    @Test
    @Order(4)
    @DisplayName("4. a server that closes without answering: an empty answer")
    void noAnswer(Who who) throws Exception {
        byte[] got = againstPeer(who, "anyone?".getBytes(StandardCharsets.US_ASCII), (r, out) -> { });
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
        byte[] got = againstPeer(who, request, (r, out) -> out.write(r));
        check(Arrays.equals(got, request), "the 256 byte values to a peer that sends them back", hex(got), hex(request),
                "bytes are bytes: never decode them as text on the way" + README);
    }
}
