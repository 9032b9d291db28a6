package sockets.select;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import sockets.cli.AcrossTheLink;
import sockets.cli.Programs;
import sockets.cli.Timeouts;
import sockets.cli.Wire;
import sockets.cli.Wire.Peer;
import sockets.cli.Wire.Session;
import sockets.cli.Wire.Stage;

/**
 * Checks any echo server that serves many clients at once (select, epoll, threads, async: any
 * language), over the wire: every byte back in order however it was split, to a slow reader too,
 * 200 clients together, bounded memory for a client that never reads, half-close, resets.
 *
 * <pre>03-select-server/run Checker 127.0.0.1:5003</pre>
 */
public final class Checker {

    private static final Duration PATIENCE = Duration.ofSeconds(5);

    private Checker() {
    }

    public static List<Stage> stages() {
        return List.of(
                new Stage("echoes one client: one write, single-byte pieces, two messages in one write",
                        "no echo, or a wrong one, for a message in pieces or two in one write means the server expects one read to be one message: a read is whatever has arrived", s -> {
                            Peer c = s.connect(PATIENCE);
                            echo(s, c, "hello\n".getBytes(), false);
                            byte[] random = new byte[30 + s.random().nextInt(30)];
                            s.random().nextBytes(random);
                            echo(s, c, random, true);
                            echo(s, c, "first\nsecond\n".getBytes(), false);
                        }),
                new Stage("echoes more than the kernel's buffers hold to a client that reads slowly",
                        "an echo that stops short or changes for a slow reader means part of a write was dropped: a non-blocking write takes only what fits (S-14); keep the rest, in order, and send it when the client reads",
                        s -> {
                            Peer c = s.connect(PATIENCE, 16 * 1024); // a small receive buffer: the echo cannot hide in it
                            // More than the server's send buffer can hold: a server that drops the rest of a partial write is seen.
                            byte[] message = new byte[(int) Math.min(64L << 20, 2 * Wire.sendBufferCeiling() + (2 << 20) + s.random().nextInt(4096))];
                            s.random().nextBytes(message);
                            CompletableFuture<Void> sent = sendInBackground(c, message);
                            byte[] got = new byte[message.length];
                            InputStream in = c.socket().getInputStream();
                            c.socket().setSoTimeout(2000);
                            for (int at = 0; at < got.length; ) {
                                int n;
                                try {
                                    n = in.read(got, at, Math.min(16 * 1024, got.length - at));
                                } catch (java.net.SocketTimeoutException e) {
                                    s.note("c1 <- " + at + " bytes, then nothing for 2 s");
                                    throw new Wire.Failed("stalled: c1 got " + at + " of the " + got.length + "-byte echo"
                                            + ", then nothing for 2 s: the rest was lost (a partial write whose remainder was dropped?)");
                                }
                                s.expect(n > 0, "the rest of the echo (" + (got.length - at) + " bytes)", "end of stream after " + at + " bytes");
                                at += n;
                                LockSupport.parkNanos(1_000_000); // a slow reader: the server's writes fill up
                            }
                            sent.get(30, TimeUnit.SECONDS);
                            s.note("c1 <- " + got.length + " bytes");
                            s.expectSame("the same bytes, in order", message, got);
                        }),
                new Stage("serves 200 clients at once",
                        "clients left unanswered while others are connected mean the server serves one client at a time: serve every ready connection (a selector, or a thread per client)", s -> {
                            List<Peer> clients = new ArrayList<>();
                            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                            for (int i = 0; i < 200; i++) {
                                long left = deadline - System.nanoTime();
                                // A SYN that finds the listen backlog full is dropped and sent again a second later.
                                try {
                                    s.expect(left > 0, "200 clients connected within 3 s", "only " + i + " after 3 s");
                                    clients.add(s.connect(Duration.ofNanos(Math.max(left, 1_000_000))));
                                    // The connect had what was left of the 3 s; the echo gets the full patience.
                                    clients.getLast().socket().setSoTimeout(Timeouts.millis(PATIENCE));
                                } catch (java.net.SocketTimeoutException | Wire.Failed e) {
                                    throw new Wire.Failed("backlog: only " + i + " of 200 clients connected within 3 s: connects stall when"
                                            + " the listen backlog is full (listen(5)?) and accepts are slow");
                                }
                            }
                            for (int i = 0; i < clients.size(); i++) {
                                clients.get(i).socket().getOutputStream().write(("client " + i + "\n").getBytes());
                            }
                            for (int i = clients.size() - 1; i >= 0; i--) {
                                byte[] expected = ("client " + i + "\n").getBytes();
                                byte[] got = clients.get(i).socket().getInputStream().readNBytes(expected.length);
                                s.expect(Arrays.equals(got, expected), "client " + i + " to get " + Wire.hex(expected), Wire.hex(got));
                            }
                            s.note("200 clients connected, each sent one line and got it back");
                        }),
                new Stage("a client that never reads stops neither the others nor the server's memory",
                        "another client left unanswered while one client reads nothing means the server waits on that one client (a"
                                + " blocking write, or one thread for everyone); a client that can send without limit means the server keeps"
                                + " unbounded echo for it: stop reading from a client that owes too much (back-pressure)",
                        s -> {
                            // The hog sends without reading until its writes stall (the server stopped
                            // taking its bytes) or it has sent more than every kernel buffer on the way
                            // could hold; only then is another client checked, so the check comes after
                            // the hog has had every chance to stall the server.
                            Peer hog = s.connect(PATIENCE, 16 * 1024);
                            long limit = 2 * Wire.sendBufferCeiling() + Wire.receiveBufferCeiling() + (16L << 20);
                            long pushed = sendUntilStalled(hog, limit);
                            s.note("c1 sent " + pushed + " bytes without reading any echo, then its writes "
                                    + (pushed >= limit ? "still went through" : "stalled"));
                            s.expect(pushed < limit, "the server to stop taking bytes from c1 well before " + (limit >> 20) + " MiB",
                                    "it took " + (pushed >> 20) + " MiB: it keeps an unbounded echo for a client that never reads");
                            Peer other = s.connect(PATIENCE);
                            echo(s, other, ("am I still served? " + s.random().nextInt(1000) + "\n").getBytes(), false);
                            echo(s, s.connect(PATIENCE), "and a newcomer?\n".getBytes(), false);
                            // c1 leaves without a reset (closing with unread echo would send one, and resets are
                            // stage 6's): FIN, then it reads what it is owed to the end, then closes.
                            leaveQuietly(s, hog);
                        }),
                new Stage("a client that shuts down its sending side gets its whole echo, then end of stream",
                        "a short echo here means the server closed the connection when it read end of stream while it still owed echo;"
                                + " end of stream means the client is done sending: send what is owed, then close (BUG-19)", s -> {
                            // Two reads' worth and the FIN at once: a server that reads one piece
                            // per turn sees the end while the second piece is still owed.
                            Peer quick = s.connect(PATIENCE);
                            byte[] small = new byte[2000];
                            s.random().nextBytes(small);
                            quick.send(small);
                            quick.shutdownOutput();
                            byte[] echoed = quick.readToEnd(small.length);
                            s.expectSame(small.length + " bytes, then end of stream", small, echoed);
                            // A client with a small receive buffer that reads nothing: it sends until the server's send
                            // buffer is full and the server keeps some echo itself, and only then sends its FIN
                            // (Peer.oweAtEnd): at that moment the server owes more than its kernel can hold.
                            Peer c = s.connect(PATIENCE, 8 * 1024);
                            byte[] message = new byte[(int) Math.min(64L << 20, 2 * Wire.sendBufferCeiling() + (4 << 20) + s.random().nextInt(4096))];
                            s.random().nextBytes(message);
                            Peer.Owed owed = c.oweAtEnd(message, STALL);
                            s.expectSame(owed.sent().length + " bytes, then end of stream", owed.sent(), owed.got());
                        }),
                new Stage("a client that resets does not affect the others",
                        "others dropped or unanswered after one client's reset mean that error ended more than its own connection:"
                                + " a reset shows up as an error from a read, or from a write; close that one connection, keep serving everyone else", s -> {
                            Peer steady = s.connect(PATIENCE);
                            echo(s, steady, "here\n".getBytes(), false);
                            // First reset: the client has read all its echo, so the server owes it nothing and
                            // can learn of the reset only from a read (ECONNRESET), never from a write.
                            Peer rude = s.connect(PATIENCE);
                            echo(s, rude, "about to vanish\n".getBytes(), false);
                            rude.reset();
                            echo(s, steady, "still here\n".getBytes(), false);
                            echo(s, s.connect(PATIENCE), "newcomer\n".getBytes(), false);
                            // Second reset: the client reads nothing until the server stops taking its bytes, so
                            // the server holds echo it cannot send; a server that stopped reading that client
                            // (back-pressure) learns of the reset only from a write (ECONNRESET or EPIPE).
                            Peer stuffed = s.connect(PATIENCE, 8 * 1024);
                            long pushed = sendUntilStalled(stuffed, 2 * Wire.sendBufferCeiling() + Wire.receiveBufferCeiling() + (16L << 20));
                            s.note("c3 sent " + pushed + " bytes without reading any echo, then its writes stalled");
                            stuffed.reset();
                            echo(s, steady, "and still here\n".getBytes(), false);
                            echo(s, s.connect(PATIENCE), "and a newcomer\n".getBytes(), false);
                        }),
                new Stage(Wire.overANetwork("three clients at once, three messages of 10 to 40 KB each, every one echoed whole"),
                        "a short echo, or a connection closed after part of a message, means the server took one read for a client's"
                                + " whole message: a network delivers a large write in 1,448-byte segments, over several readiness"
                                + " events, some a round trip apart; echo what each read brings and keep the connection", s -> {
                            List<Peer> clients = new ArrayList<>();
                            for (int i = 0; i < 3; i++) {
                                clients.add(s.connect(PATIENCE));
                            }
                            for (int round = 0; round < 3; round++) {
                                List<byte[]> sent = new ArrayList<>();
                                for (Peer c : clients) {
                                    // Odd sizes well over one segment and over TCP's first flight (14,480 bytes).
                                    byte[] message = new byte[10_001 + 2 * s.random().nextInt(15_000)];
                                    s.random().nextBytes(message);
                                    c.sendOverANetwork(message);
                                    sent.add(message);
                                }
                                for (int i = 0; i < clients.size(); i++) {
                                    byte[] got = clients.get(i).read(sent.get(i).length);
                                    s.expectSame("c" + (i + 1) + "'s message " + (round + 1) + " echoed: the same " + sent.get(i).length
                                            + " bytes", sent.get(i), got);
                                }
                            }
                        }),
                new Stage("a client that is owed nothing costs the server no CPU: no busy loop",
                        "a server that keeps a processor busy while its only client is idle is woken for nothing, over and over: with a"
                                + " selector, interest in writing (OP_WRITE, EVENT_WRITE, POLLOUT) left on when nothing is queued makes every"
                                + " select return at once, because a socket with room in its send buffer is always writable (S-08); ask to"
                                + " write only while output waits", s -> {
                            ServerCpu.Found found = ServerCpu.find(s.target().getPort());
                            // First a partial write: the server must queue echo, wait for room, and send it, so a
                            // loop that asks to write and never stops asking is asking by the time c1 falls idle.
                            Peer c = s.connect(PATIENCE, 16 * 1024);
                            byte[] message = new byte[4 * 1024 * 1024 + s.random().nextInt(4096)];
                            s.random().nextBytes(message);
                            CompletableFuture<Void> sent = sendInBackground(c, message);
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300)); // c1 reads nothing yet: its 16 KiB window fills
                            s.expectSame("the whole echo", message, c.read(message.length));
                            sent.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                            s.note("c1 sent " + message.length + " bytes, read nothing for 300 ms, then read the whole echo; now it sends nothing");
                            if (found.meter() == null) {
                                s.note("CPU not measured: " + found.whyNot());
                                return;
                            }
                            // Up to three measurements: one below a quarter of the spinning thread's CPU passes; a
                            // spinning server measures about 1 every time, an idle one about 0 (a clock tick or two).
                            for (int round = 1; round <= 3; round++) {
                                ServerCpu.Reading r = ServerCpu.measure(found.meter(), Duration.ofMillis(400), Duration.ofSeconds(4));
                                s.note("c1 idle, nothing owed: " + r.describe() + " (" + found.meter().what() + ")");
                                if (r.ratio() < 0.25) {
                                    return;
                                }
                            }
                            s.expect(false, "a server that sleeps while c1 is idle and owed nothing: under a quarter of the CPU a spinning thread gets",
                                    "busy: three measurements running, it used about as much CPU as a thread that never sleeps (the transcript has"
                                            + " the figures): something in its loop returns at once, again and again");
                        }));
    }

    /**
     * How long a client's writes must make no progress before it counts the server as no longer
     * reading it; long enough that a server merely starved of CPU on a loaded machine is not taken for one.
     */
    private static final Duration STALL = Duration.ofSeconds(2);

    /**
     * Sends from {@code c} without reading, 64 KiB at a time, until its writes make no progress for
     * {@link #STALL} (the server stopped taking its bytes) or {@code limit} bytes are sent; returns
     * how many were sent. The writer goes on (blocked) in the background until the socket closes.
     */
    private static long sendUntilStalled(Peer c, long limit) throws IOException, InterruptedException {
        AtomicLong pushed = new AtomicLong();
        OutputStream out = c.socket().getOutputStream();
        // A platform thread: its progress is what tells a stalled server, so it must not wait for a carrier.
        Thread pusher = Thread.ofPlatform().daemon().start(() -> {
            byte[] chunk = new byte[64 * 1024];
            try {
                while (pushed.get() < limit) {
                    out.write(chunk);
                    pushed.addAndGet(chunk.length);
                }
            } catch (IOException stopped) { // the server cut it off, or the checker closed it: fine
            }
        });
        long before;
        do { // until the sending stalls, or passes the limit
            before = pushed.get();
            pusher.join(Timeouts.millis(STALL));
        } while (pusher.isAlive() && pushed.get() != before);
        return pushed.get();
    }

    /**
     * Ends a connection that still has echo coming without a reset: FIN first (a writer blocked
     * in the background fails, and what it had sent stays in order before the FIN), then reads
     * whatever comes to end of stream, then closes. Best effort and bounded: a server that ends
     * the connection another way, or stalls, is the business of other stages.
     */
    private static void leaveQuietly(Session s, Peer c) throws IOException {
        long drained = 0;
        try {
            c.socket().shutdownOutput();
            InputStream in = c.socket().getInputStream();
            byte[] sink = new byte[64 * 1024];
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            for (int r; System.nanoTime() < deadline && (r = in.read(sink)) >= 0; ) {
                drained += r;
            }
        } catch (IOException ended) { // reset or timed out: the close below ends it either way
        }
        s.note("c1 -> FIN, then read " + drained + " bytes of echo and closed");
        c.socket().close();
    }

    private static void echo(Session s, Peer c, byte[] message, boolean inPieces) throws Exception {
        if (inPieces) {
            c.sendInPieces(message);
        } else {
            c.send(message);
        }
        byte[] got = c.read(message.length);
        s.expectSame(Wire.hex(message), message, got);
    }

    private static CompletableFuture<Void> sendInBackground(Peer c, byte[] message) {
        return CompletableFuture.runAsync(() -> {
            try {
                c.send(message);
            } catch (IOException e) {
                throw new IllegalStateException("sending failed: " + e.getMessage(), e);
            }
        }, Thread::startVirtualThread);
    }

    public static void main(String[] args) {
        // --link SPEC --server 'COMMAND': the same stages, with the server across lesson 06's link
        int acrossTheLink = AcrossTheLink.runIfAsked("03-select-server/run Checker", args, 5003, System.err);
        if (acrossTheLink >= 0) {
            Programs.exit(acrossTheLink);
            return;
        }
        Programs.exit(Wire.main("03-select-server/run Checker", "Checks an echo server that serves many clients at once; exit 0 only if every stage passes.",
                args, stages(), System.out, System.err));
    }
}
