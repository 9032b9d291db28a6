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
                        "a read is whatever has arrived: one message may come in many reads, two in one", s -> {
                            Peer c = s.connect(PATIENCE);
                            echo(s, c, "hello\n".getBytes(), false);
                            byte[] random = new byte[30 + s.random().nextInt(30)];
                            s.random().nextBytes(random);
                            echo(s, c, random, true);
                            echo(s, c, "first\nsecond\n".getBytes(), false);
                        }),
                new Stage("echoes 1 MiB to a client that reads slowly",
                        "a non-blocking write takes only what fits (S-14): the rest must be kept, in order, and sent when the client reads",
                        s -> {
                            Peer c = s.connect(PATIENCE);
                            byte[] message = new byte[1 << 20];
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
                                    throw new Wire.Failed("expected: the whole 1048576-byte echo\ngot:      " + at
                                            + " bytes, then nothing for 2 s: the rest was lost (a partial write whose remainder was dropped?)");
                                }
                                s.expect(n > 0, "the rest of the echo (" + (got.length - at) + " bytes)", "end of stream after " + at + " bytes");
                                at += n;
                                LockSupport.parkNanos(1_000_000); // a slow reader: the server's writes fill up
                            }
                            sent.get(10, TimeUnit.SECONDS);
                            int wrong = Arrays.mismatch(got, message);
                            s.note("c1 <- " + got.length + " bytes" + (wrong < 0 ? ", all equal to what was sent" : ", first difference at " + wrong));
                            s.expect(wrong < 0, "the same 1048576 bytes, in order", "a difference at byte " + wrong);
                        }),
                new Stage("serves 200 clients at once",
                        "one thread with a selector must serve every ready connection, not one client at a time", s -> {
                            List<Peer> clients = new ArrayList<>();
                            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                            for (int i = 0; i < 200; i++) {
                                long left = deadline - System.nanoTime();
                                // A SYN that finds the listen backlog full is dropped and sent again a second later.
                                try {
                                    s.expect(left > 0, "200 clients connected within 3 s", "only " + i + " after 3 s");
                                    clients.add(s.connect(Duration.ofNanos(Math.max(left, 1_000_000))));
                                } catch (java.net.SocketTimeoutException | Wire.Failed e) {
                                    throw new Wire.Failed("expected: 200 clients connected within 3 s\ngot:      only " + i
                                            + ": connects stall when the listen backlog is full (listen(5)?) and accepts are slow");
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
                        "the server must stop reading from a client that owes it too much echo (back-pressure), or that one client can fill its memory",
                        s -> {
                            Peer hog = s.connect(PATIENCE);
                            hog.socket().setReceiveBufferSize(32 * 1024);
                            AtomicLong pushed = new AtomicLong();
                            OutputStream out = hog.socket().getOutputStream();
                            Thread pusher = Thread.ofVirtual().start(() -> {
                                byte[] chunk = new byte[64 * 1024];
                                try {
                                    while (pushed.get() < LIMIT) {
                                        out.write(chunk);
                                        pushed.addAndGet(chunk.length);
                                    }
                                } catch (IOException stopped) { // the server cut it off: fine
                                }
                            });
                            Peer other = s.connect(PATIENCE);
                            echo(s, other, "am I still served?\n".getBytes(), false);
                            long before;
                            do { // wait until the hog's sending stalls for half a second, or passes the limit
                                before = pushed.get();
                                pusher.join(500);
                            } while (pusher.isAlive() && pushed.get() != before && pushed.get() < LIMIT);
                            s.note("c1 sent " + pushed.get() + " bytes without reading any echo, then its writes "
                                    + (pushed.get() >= LIMIT ? "still went through" : "stalled"));
                            s.expect(pushed.get() < LIMIT, "the server to stop taking bytes from c1 well before " + (LIMIT >> 20) + " MiB",
                                    "it took " + (pushed.get() >> 20) + " MiB: it keeps an unbounded echo for a client that never reads");
                            hog.socket().close();
                            pusher.join(5000);
                        }),
                new Stage("a client that shuts down its sending side gets its whole echo, then end of stream",
                        "end of stream means the client is done sending; echo what is owed, then close (BUG-19)", s -> {
                            // Two reads' worth and the FIN at once: a server that reads one piece
                            // per turn sees the end while the second piece is still owed.
                            Peer quick = s.connect(PATIENCE);
                            byte[] small = new byte[2000];
                            s.random().nextBytes(small);
                            quick.send(small);
                            quick.shutdownOutput();
                            byte[] echoed = quick.readToEnd(small.length);
                            s.expect(Arrays.equals(echoed, small), small.length + " bytes, then end of stream", echoed.length + " bytes");
                            // A small receive buffer and a late start of reading: when the FIN
                            // arrives, the server still owes most of the echo.
                            Peer c = s.connect(PATIENCE, 8 * 1024);
                            byte[] message = new byte[200_000];
                            s.random().nextBytes(message);
                            CompletableFuture<Void> sent = sendInBackground(c, message).thenRun(() -> {
                                try {
                                    c.shutdownOutput();
                                } catch (IOException ignored) { // the read below tells
                                }
                            });
                            LockSupport.parkNanos(300_000_000L); // not a synchronisation: a client that is slow to read
                            byte[] got = c.readToEnd(message.length);
                            sent.get(10, TimeUnit.SECONDS);
                            s.expect(Arrays.equals(got, message), message.length + " bytes, then end of stream", got.length + " bytes");
                        }),
                new Stage("a client that resets does not affect the others",
                        "a reset raises an error on that connection only: close it, and keep serving everyone else", s -> {
                            Peer steady = s.connect(PATIENCE);
                            Peer rude = s.connect(PATIENCE);
                            rude.send(new byte[100_000]);
                            rude.reset();
                            echo(s, steady, "still here\n".getBytes(), false);
                            echo(s, s.connect(PATIENCE), "newcomer\n".getBytes(), false);
                        }));
    }

    private static final long LIMIT = 16L << 20;

    private static void echo(Session s, Peer c, byte[] message, boolean inPieces) throws Exception {
        if (inPieces) {
            c.sendInPieces(message);
        } else {
            c.send(message);
        }
        byte[] got = c.read(message.length);
        s.expect(Arrays.equals(got, message), Wire.hex(message), Wire.hex(got));
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
