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
import sockets.cli.ServerProcess;
import sockets.cli.Timeouts;
import sockets.cli.Wire;
import sockets.cli.Wire.Peer;
import sockets.cli.Wire.Queues;
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
                new Stage("serves 200 clients at once, and once they have gone (half closing, half resetting) holds none of their descriptors",
                        "clients left unanswered while others are connected mean the server serves one client at a time: serve every"
                                + " ready connection (a selector, or a thread per client); open descriptors that grow by one for each client"
                                + " that came and went mean a path that ends a connection (end of stream, or an error such as a reset) never"
                                + " closes it: shutdown() sends a FIN but keeps the descriptor, and forgetting a socket does not close it;"
                                + " zombie children mean a forking server never waits for them", s -> {
                            ServerProcess.Found server = ServerProcess.find(s.target().getPort());
                            long before = server.process() == null ? -1 : server.process().openDescriptors();
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
                            // Then they go: every other one closes (the server reads end of stream), the rest reset (a failed read).
                            for (int i = 0; i < clients.size(); i++) {
                                if (i % 2 == 0) {
                                    clients.get(i).socket().close();
                                } else {
                                    clients.get(i).reset();
                                }
                            }
                            if (before < 0) {
                                s.note("descriptors and zombies not counted: " + (server.whyNot() != null ? server.whyNot() : "the server's process could not be read"));
                                return;
                            }
                            long after = server.process().settledDescriptors(before, STALL);
                            s.note("the server (" + server.process().what() + ") had " + before + " descriptors open before the 200 clients, "
                                    + after + " after 100 had closed and 100 reset");
                            s.expect(after - before <= 50, "the server's open descriptors back to about " + before + " once its 200 clients"
                                    + " had gone (a few more are fine)", after + " open: " + (after - before) + " more, about one for each"
                                    + " client that closed or reset: the server ends some connections without close()");
                            server.process().expectFewZombies(s, "its clients had gone");
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
                            leaveQuietly(s, hog, "c1");
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
                                + " a reset shows up as an error from a read, or from a write, and one select can report the same"
                                + " connection both readable and writable; close that one connection, forget all that was kept for it"
                                + " (a newcomer often gets the same descriptor number), keep serving everyone else", s -> {
                            Peer steady = s.connect(PATIENCE);
                            echo(s, steady, "here\n".getBytes(), false);
                            // First reset: the client has read all its echo, so the server owes it nothing and
                            // can learn of the reset only from a read (ECONNRESET), never from a write.
                            Peer rude = s.connect(PATIENCE);
                            echo(s, rude, "about to vanish\n".getBytes(), false);
                            rude.reset();
                            echo(s, steady, "still here\n".getBytes(), false);
                            echo(s, s.connect(PATIENCE), "newcomer\n".getBytes(), false);
                            // Three clients that read nothing are brought, side by side, to where the next three resets
                            // find them. c4 and c6: the server keeps echo for them that its kernel cannot take, and still
                            // reads from them (below any high-water mark). c5: its writes stall, the server no longer
                            // takes its bytes (back-pressure, or a blocked write).
                            Peer owing = s.connect(PATIENCE, 8 * 1024);
                            Peer stuffed = s.connect(PATIENCE, 8 * 1024);
                            Peer leaving = s.connect(PATIENCE, 8 * 1024);
                            long seed4 = s.random().nextLong();
                            long seed6 = s.random().nextLong();
                            CompletableFuture<Owing> owing4 = inBackground(() -> oweWhileReading(s, owing, "c4", seed4));
                            CompletableFuture<Long> stuffed5 = inBackground(
                                    () -> sendUntilStalled(stuffed, 2 * Wire.sendBufferCeiling() + Wire.receiveBufferCeiling() + (16L << 20)));
                            CompletableFuture<Owing> owing6 = inBackground(() -> oweWhileReading(s, leaving, "c6", seed6));
                            finished(owing4);
                            s.note("c5 sent " + finished(stuffed5) + " bytes without reading any echo, then its writes stalled");
                            Owing owed = finished(owing6);
                            // Second reset, c4's: it finds the socket readable and writable at once, so a loop that
                            // closes it on the read must not write to it next.
                            owing.reset();
                            // Then clients that send a line each and a FIN, connected before any is served, so one of
                            // them is likely to get the reset connection's descriptor: each must get its own bytes back
                            // and nothing else.
                            List<Peer> fresh = new ArrayList<>();
                            for (int i = 0; i < 3; i++) {
                                fresh.add(s.connect(PATIENCE));
                            }
                            for (Peer c : fresh) {
                                byte[] mine = ("only mine " + s.random().nextInt(1_000_000) + "\n").getBytes();
                                c.send(mine);
                                c.shutdownOutput();
                                s.expectSame("its own " + mine.length + " bytes, then end of stream (nothing kept for the client that reset)",
                                        mine, c.readToEnd(8 << 20));
                            }
                            echo(s, steady, "here after that\n".getBytes(), false);
                            // Third reset, c5's: the server holds echo it cannot send; a server that stopped reading
                            // that client (back-pressure) learns of the reset only from a write (ECONNRESET or EPIPE).
                            stuffed.reset();
                            echo(s, steady, "and still here\n".getBytes(), false);
                            echo(s, s.connect(PATIENCE), "and a newcomer\n".getBytes(), false);
                            // Fourth reset, c6's: it half-closes first, and once the server has read the FIN it only
                            // sends to c6: the reset comes from a write while it drains.
                            leaving.shutdownOutput();
                            if (owed.reading()) {
                                Queues.awaitEnd(s.target().getPort(), leaving.socket().getLocalPort(), STALL);
                            }
                            leaving.reset();
                            echo(s, steady, "still here at the end\n".getBytes(), false);
                            echo(s, s.connect(PATIENCE), "the last newcomer\n".getBytes(), false);
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
                new Stage("a client that is owed nothing, or has half-closed and reads nothing, costs the server no CPU: no busy loop",
                        "a server that keeps a processor busy while its only client is idle, or while a client that has half-closed is"
                                + " owed echo it does not read, is woken for nothing, over and over: with a selector, interest in writing"
                                + " (OP_WRITE, EVENT_WRITE, POLLOUT) left on when nothing is queued makes every select return at once, because"
                                + " a socket with room in its send buffer is always writable (S-08); interest in reading left on after end of"
                                + " stream does the same, because a socket at end of stream is always readable; ask to write only while output"
                                + " waits, and stop asking to read once a read has returned end of stream", s -> {
                            ServerProcess.Found found = ServerProcess.find(s.target().getPort());
                            // First a partial write: the server must queue echo, wait for room, and send it, so a
                            // loop that asks to write and never stops asking is asking by the time c1 falls idle.
                            Peer c = s.connect(PATIENCE, 16 * 1024);
                            byte[] message = new byte[4 * 1024 * 1024 + s.random().nextInt(4096)];
                            s.random().nextBytes(message);
                            // Meanwhile c2, which reads nothing, is brought to where the server keeps echo for it that its
                            // kernel cannot take, while it still reads from it; it half-closes later.
                            Peer quiet = s.connect(PATIENCE, 8 * 1024);
                            long seed2 = s.random().nextLong();
                            CompletableFuture<Owing> owing2 = inBackground(() -> oweWhileReading(s, quiet, "c2", seed2));
                            CompletableFuture<Void> sent = sendInBackground(c, message);
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300)); // c1 reads nothing yet: its 16 KiB window fills
                            s.expectSame("the whole echo", message, c.read(message.length));
                            sent.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                            s.note("c1 sent " + message.length + " bytes, read nothing for 300 ms, then read the whole echo; now it sends nothing");
                            Owing owed = finished(owing2);
                            if (found.process() == null) {
                                s.note("CPU not measured: " + found.whyNot());
                                leaveQuietly(s, quiet, "c2");
                                return;
                            }
                            sleeps(s, found.process(), "c1 idle, nothing owed", "a server that sleeps while c1 is idle and owed nothing",
                                    "three measurements running, it used about as much CPU as a thread that never sleeps (the transcript has"
                                            + " the figures): something in its loop returns at once, again and again");
                            // Then c2, owed echo its kernel cannot take, sends its FIN and reads nothing: the server has
                            // only to wait until it reads.
                            quiet.shutdownOutput();
                            if (owed.reading()) {
                                Queues.awaitEnd(s.target().getPort(), quiet.socket().getLocalPort(), STALL);
                            }
                            sleeps(s, found.process(), "c2 half-closed, owed echo it does not read",
                                    "a server that sleeps while c2 has half-closed and is owed echo it does not read",
                                    "three measurements running while c2 had half-closed and read nothing, it used about as much CPU as a thread"
                                            + " that never sleeps (the transcript has the figures): something in its loop returns at once, again and"
                                            + " again");
                            leaveQuietly(s, quiet, "c2");
                        }));
    }

    /**
     * Measures the server's CPU up to three times while {@code what}; one measurement below a
     * quarter of the spinning thread's CPU passes. A spinning server measures about 1 every time,
     * an idle one about 0 (a clock tick or two).
     */
    private static void sleeps(Session s, ServerProcess server, String what, String expected, String busy) throws Wire.Failed, InterruptedException {
        for (int round = 1; round <= 3; round++) {
            ServerProcess.Cpu r = server.measureCpu(Duration.ofMillis(400), Duration.ofSeconds(4));
            if (r == null) {
                s.note(what + ": the server's CPU can no longer be read (" + server.what() + " gone)");
                return;
            }
            s.note(what + ": " + r.describe() + " (" + server.what() + ")");
            if (r.ratio() < 0.25) {
                return;
            }
        }
        s.expect(false, expected + ": under a quarter of the CPU a spinning thread gets", "busy: " + busy);
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

    /** Where {@link #oweWhileReading} left the server: how much was sent, and whether the server still reads the client. */
    record Owing(long sent, boolean reading) {
    }

    /**
     * Sends from {@code c} (a small receive buffer, reading nothing) until the server keeps echo for
     * it that its kernel cannot take while it still reads from it: a server with a high-water mark
     * is then below it, so it would still see a reset, or a FIN, in a read. Watched in
     * {@code /proc/net/tcp}, so it does not depend on timing: 128 KiB at a time while all the echo
     * of each piece lands in the kernel (the server's send queue and {@code c}'s receive queue);
     * after a piece whose echo did not all land, 16 KiB at a time, each read by the server before
     * the next, until two pieces are read while the echo in the kernel does not grow: the server's
     * send buffer is full and it keeps the newest 32 KiB or more itself. The bytes have their top bit set, so none can pass for
     * another client's line. A server that stops reading first (a blocking write, a small
     * high-water mark) is left so, after {@link #STALL}. Where the server's socket is not visible
     * (another host or network namespace), it sends the most one send buffer holds plus 128 KiB,
     * and says so.
     */
    static Owing oweWhileReading(Session s, Peer c, String name, long seed) throws IOException, InterruptedException {
        int serverPort = s.target().getPort();
        int clientPort = c.socket().getLocalPort();
        // 128 KiB: a piece whose echo does not all land leaves the server less than that, and the 16 KiB pieces after it
        // add about 48 KiB, so a server with a high-water mark of 256 KiB (the lesson's) still reads.
        byte[] chunk = new byte[128 * 1024];
        new java.util.Random(seed).nextBytes(chunk); // its own random numbers: it may run beside other clients
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] |= (byte) 0x80;
        }
        Queues.Pair q = Queues.read(serverPort, clientPort);
        if (q == null || q.server() == null) {
            long pushed = sendUntilStalled(c, Wire.sendBufferCeiling() + (128 << 10));
            s.note("the server's socket is not visible in /proc/net/tcp here: " + name + " sent " + pushed + " bytes without reading instead");
            return new Owing(pushed, true);
        }
        // Each piece fits whole in the client's own send buffer, so no write here blocks: the one before it has been read.
        c.socket().setSendBufferSize(1 << 20);
        OutputStream out = c.socket().getOutputStream();
        long limit = 2 * Wire.sendBufferCeiling() + Wire.receiveBufferCeiling() + (16L << 20);
        long sent = 0;
        long before = 0; // the echo in the kernel after the piece before
        List<Long> held = new ArrayList<>(); // the same after each 16 KiB piece, since the last piece whose echo all landed
        while (sent < limit) {
            boolean big = held.isEmpty();
            int piece = big ? chunk.length : 16 * 1024;
            out.write(chunk, 0, piece);
            sent += piece;
            long grown = before + piece;
            // A big piece: until all its echo is in the kernel (quick: the ACK that ends readAll() can come 40 ms late), or all read.
            q = big ? Queues.await(serverPort, clientPort, STALL, p -> p.echoHeld() >= grown || p.readAll())
                    : Queues.awaitRead(serverPort, clientPort, STALL);
            if (q == null || q.server() == null || q.client() == null) {
                s.note(name + " -> " + sent + " bytes without reading, then the connection was gone");
                return new Owing(sent, false);
            }
            long now = q.echoHeld();
            // (Bytes the client has received and not yet acknowledged count twice, so "all" is "at least".)
            if (now >= grown) {
                before = now;
                held.clear(); // all its echo is in the kernel: the server keeps nothing new, big pieces again
                continue;
            }
            if (!q.readAll()) {
                s.note(name + " -> " + sent + " bytes without reading; the server stopped reading them (" + q.server().rx()
                        + " bytes unread for " + STALL.toMillis() + " ms)");
                return new Owing(sent, false);
            }
            before = now;
            held.add(now);
            int k = held.size();
            if (k >= 3 && held.get(k - 1).equals(held.get(k - 3))) {
                s.note(name + " -> " + sent + " bytes without reading, all read by the server; its kernel holds about " + now
                        + " bytes of echo, so it keeps " + (sent - now) + " or more itself");
                return new Owing(sent, true);
            }
        }
        s.note(name + " -> " + sent + " bytes without reading, and the echo in the kernel still grew");
        return new Owing(sent, false);
    }

    /**
     * Ends a connection that still has echo coming without a reset: FIN first (a writer blocked
     * in the background fails, and what it had sent stays in order before the FIN), then reads
     * whatever comes to end of stream, then closes. Best effort and bounded: a server that ends
     * the connection another way, or stalls, is the business of other stages.
     */
    private static void leaveQuietly(Session s, Peer c, String name) throws IOException {
        long drained = 0;
        try {
            if (!c.socket().isOutputShutdown()) {
                c.socket().shutdownOutput();
            }
            InputStream in = c.socket().getInputStream();
            byte[] sink = new byte[64 * 1024];
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            for (int r; System.nanoTime() < deadline && (r = in.read(sink)) >= 0; ) {
                drained += r;
            }
        } catch (IOException ended) { // reset or timed out: the close below ends it either way
        }
        s.note(name + " -> FIN, then read " + drained + " bytes of echo and closed");
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

    interface Work<T> {
        T run() throws Exception;
    }

    /** {@code work} on a platform thread of its own (its progress is timed, so it must not wait for a carrier). */
    private static <T> CompletableFuture<T> inBackground(Work<T> work) {
        CompletableFuture<T> done = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                done.complete(work.run());
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    /** What {@code work} returned, within a minute; what it threw, as it threw it. */
    private static <T> T finished(CompletableFuture<T> work) throws Exception {
        try {
            return work.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
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
