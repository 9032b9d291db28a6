package sockets.echo.exercises;

import static sockets.exercise.Teach.check;
import static sockets.exercise.Teach.hex;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import sockets.echo.EchoClient;
import sockets.echo.NaiveEchoClient;
import sockets.exercise.Teach;
import sockets.exercise.Who;

/** The stages of the whole-reply exercise; the reference is {@link EchoClient#roundTrip}, the naive code {@link NaiveEchoClient#roundTrip}. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(Who.Resolver.class)
class WholeReplyStages {

    private static final String README = " (01-blocking-echo/README.md, \"Read until you have every byte you are owed\")";

    interface RoundTripper {
        byte[] roundTrip(InputStream in, OutputStream out, byte[] request) throws IOException;
    }

    private static RoundTripper subject(Who who) {
        return who.pick(() -> RoundTrip::roundTrip, () -> EchoClient::roundTrip, () -> NaiveEchoClient::roundTrip);
    }

    private static void expectEcho(Who who, byte[] request, List<Integer> pieces, String why) throws IOException {
        FakeEchoServer server = new FakeEchoServer(pieces, -1);
        byte[] got = subject(who).roundTrip(server.fromServer(), server.toServer(), request);
        check(Arrays.equals(got, request), hex(request) + "; the echo came in reads of " + pieces + " bytes",
                hex(got), "the same " + request.length + " bytes", why + README);
    }

    private static byte[] text(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return b;
    }

    @Test
    @Order(1)
    @DisplayName("1. a reply that arrives in one read")
    void oneRead(Who who) throws IOException {
        expectEcho(who, "hello".getBytes(), List.of(5), "the echo of a request is the request");
    }

    @Test
    @Order(2)
    @DisplayName("2. a reply that arrives in two pieces")
    void twoPieces(Who who) throws IOException {
        expectEcho(who, text(1500), List.of(700, 800),
                "a read returns what has arrived so far (E-07): read again until you have request.length bytes");
    }

    @Test
    @Order(3)
    @DisplayName("3. a reply that arrives one byte per read")
    void oneBytePerRead(Who who) throws IOException {
        expectEcho(who, text(40), List.of(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), "even one byte per read must end with the whole reply");
    }

    @Test
    @Order(4)
    @DisplayName("4. a buffered request is flushed before waiting for the reply")
    void flushed(Who who) throws IOException {
        FakeEchoServer server = new FakeEchoServer(List.of(9), -1);
        byte[] request = "buffered!".getBytes();
        OutputStream buffered = new BufferedOutputStream(server.toServer(), 8192);
        byte[] got = subject(who).roundTrip(server.fromServer(), buffered, request);
        check(Arrays.equals(got, request), hex(request) + " through a BufferedOutputStream", hex(got), hex(request),
                "bytes in a buffered stream stay in the client until flush(); the server never sees them (01-blocking-echo/README.md, \"Know what was delivered\")");
    }

    @Test
    @Order(5)
    @DisplayName("5. a server that closes or resets before the whole reply is an error, not a short reply")
    void closedEarly(Who who) throws IOException {
        FakeEchoServer server = new FakeEchoServer(List.of(3), 3);
        byte[] request = "hello".getBytes();
        try {
            byte[] got = subject(who).roundTrip(server.fromServer(), server.toServer(), request);
            throw Teach.failure(hex(request) + "; the server echoed 3 bytes and closed", hex(got),
                    "EOFException", "returning 3 bytes as 'the reply' hides a broken connection" + README);
        } catch (EOFException expected) {
            // right
        }
        // The same, ended by a reset: the stream throws instead of ending, and that must reach the caller too.
        FakeEchoServer resetting = new FakeEchoServer(List.of(3), 3, true);
        byte[] got;
        try {
            got = subject(who).roundTrip(resetting.fromServer(), resetting.toServer(), request);
        } catch (IOException expected) {
            return; // right: EOFException or the reset itself
        }
        throw Teach.failure(hex(request) + "; the server echoed 3 bytes and reset the connection", hex(got),
                "an IOException (the reset, or EOFException)",
                "a reset in the middle of a reply is a broken connection too: catching it and returning what arrived hides it" + README);
    }

    @Test
    @Order(6)
    @DisplayName("6. a 4 MiB request against a real echo server does not deadlock")
    void noDeadlock(Who who) throws Exception {
        byte[] request = new byte[4 << 20];
        new Random(6).nextBytes(request);
        try (ServerSocket listener = new ServerSocket(); Socket client = new Socket()) {
            // Small buffers, so that 4 MiB cannot hide in them: written first and read after, it deadlocks.
            listener.setReceiveBufferSize(16 * 1024);
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            client.setReceiveBufferSize(16 * 1024);
            client.setSendBufferSize(16 * 1024);
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()));
            Socket served = listener.accept();
            served.setSendBufferSize(16 * 1024);
            java.util.concurrent.atomic.AtomicLong moved = new java.util.concurrent.atomic.AtomicLong();
            Thread echo = Thread.ofVirtual().start(() -> echo(served, moved));
            CompletableFuture<byte[]> reply = CompletableFuture.supplyAsync(() -> {
                try {
                    return subject(who).roundTrip(client.getInputStream(), client.getOutputStream(), request);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, Thread::startVirtualThread);
            byte[] got = null;
            try {
                // Done, or no byte echoed for a whole second (a deadlock moves nothing ever again), or 30 s in all.
                long before = -1;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (got == null) {
                    try {
                        got = reply.get(1, TimeUnit.SECONDS);
                    } catch (TimeoutException still) {
                        if (moved.get() == before || System.nanoTime() > deadline) {
                            throw still;
                        }
                        before = moved.get();
                    }
                }
            } catch (TimeoutException e) {
                client.close(); // ends the stuck round trip
                throw Teach.failure("4 MiB to an echo server that echoes as it reads", "the echo stopped moving (no byte for 1 s)",
                        "the 4 MiB echo", "the server echoes while the request is still arriving; if nobody reads the echo, both"
                                + " sides' buffers fill and each waits for the other forever: write on a second thread while reading (01-blocking-echo/README.md, \"Write while you read\")");
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IllegalStateException i && i.getCause() instanceof IOException io ? io : e;
            } finally {
                client.close();
                echo.join(5000);
            }
            check(Arrays.equals(got, request), "4 MiB of random bytes", got.length + " bytes", "the same 4 MiB", "the whole echo" + README);
        }
    }

    private static void echo(Socket socket, java.util.concurrent.atomic.AtomicLong moved) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) != -1; ) {
                out.write(buffer, 0, n);
                moved.addAndGet(n);
            }
        } catch (IOException ignored) { // the client went away
        }
    }

    @Test
    @Order(7)
    @DisplayName("7. a reply followed at once by other bytes: exactly request.length bytes are the reply")
    void exactlyTheReply(Who who) throws IOException {
        byte[] request = text(5000);
        byte[] more = "NEXT-REPLY".getBytes();
        byte[] wire = java.nio.ByteBuffer.allocate(request.length + more.length).put(request).put(more).array();
        // The bytes after the reply (the start of another answer, say) are already there in one read.
        InputStream in = new java.io.ByteArrayInputStream(wire);
        byte[] got = subject(who).roundTrip(in, OutputStream.nullOutputStream(), request);
        check(Arrays.equals(got, request), hex(request) + "; the echo and 10 more bytes came in one read", hex(got),
                "the same " + request.length + " bytes, nothing more", "the reply is request.length bytes: a read may bring bytes that"
                        + " belong to what comes next, so read exactly what you are owed (readNBytes(n)), not whatever a buffer holds" + README);
    }

    @Test
    @Order(8)
    @DisplayName("8. a send that fails is reported, even when the whole echo came back")
    void sendFailureReported(Who who) throws Exception {
        byte[] request = "hello".getBytes();
        // The echo is all there at once; the request's flush fails, but only once the caller has
        // read it all and is waiting for the sending side (or has already returned without waiting).
        Thread caller = Thread.currentThread();
        java.util.concurrent.atomic.AtomicBoolean returned = new java.util.concurrent.atomic.AtomicBoolean();
        OutputStream failing = new OutputStream() {
            @Override
            public void write(int b) {
            }

            @Override
            public void write(byte[] b, int off, int len) {
            }

            @Override
            public void flush() throws IOException {
                // On the caller's own thread (one thread that writes, then reads) it fails at once.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (Thread.currentThread() != caller && !returned.get() && caller.getState() != Thread.State.WAITING
                        && caller.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
                    java.util.concurrent.locks.LockSupport.parkNanos(100_000); // polls a thread's state: nothing to wait on
                }
                throw new IOException("Broken pipe (the stage's: the connection failed while sending)");
            }
        };
        String sent = hex(request) + "; the whole echo arrived, but flush() of the request failed with IOException";
        String why = "a failure on the sending side is lost unless the reader waits for the sender (join) and passes its"
                + " IOException on: the caller would take a broken connection for a good one" + README;
        byte[] got;
        try {
            got = subject(who).roundTrip(new java.io.ByteArrayInputStream(request), failing, request);
        } catch (IOException expected) {
            return;
        } catch (RuntimeException e) {
            if (e instanceof sockets.exercise.NotWrittenYet n) {
                throw n;
            }
            throw Teach.failure(sent, Teach.thrown(e), "the IOException from sending (or one that wraps it)", why);
        } finally {
            returned.set(true);
        }
        throw Teach.failure(sent, hex(got) + ", returned as if all went well", "the IOException from sending", why);
    }
}
