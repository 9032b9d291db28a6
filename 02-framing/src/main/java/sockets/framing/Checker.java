package sockets.framing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import sockets.cli.AcrossTheLink;
import sockets.cli.Programs;
import sockets.cli.Timeouts;
import sockets.cli.Wire;
import sockets.cli.Wire.Failed;
import sockets.cli.Wire.Peer;
import sockets.cli.Wire.Session;
import sockets.cli.Wire.Stage;

/**
 * Checks any length-prefixed echo server at HOST:PORT ({@code FramingServer}'s default framing:
 * 4 bytes big-endian length, then the frame; each frame comes back as one frame), in any language,
 * over the wire: split and joined frames, large and empty ones, a hostile length, many clients.
 *
 * <pre>02-framing/run Checker 127.0.0.1:5002</pre>
 */
public final class Checker {

    private static final Duration PATIENCE = Duration.ofSeconds(5);
    /** How long stage 2 waits to prove that an incomplete frame gets no answer. */
    private static final Duration EARLY = Duration.ofSeconds(2);

    private Checker() {
    }

    static byte[] frame(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    public static List<Stage> stages() {
        return List.of(
                new Stage("a frame comes back as the same frame", "a missing or different answer means the server did not read one whole frame and write it back, prefix and all",
                        s -> roundTrip(s, s.connect(PATIENCE), "hello, frames".getBytes(), false)),
                new Stage("a frame sent in single-byte pieces comes back whole",
                        "a frame sent in pieces that comes back wrong, short or not at all means the server took one read for a whole prefix or body: read the 4-byte prefix, then the body, each in a loop (F-10)", s -> {
                            byte[] body = new byte[30 + s.random().nextInt(30)];
                            s.random().nextBytes(body);
                            roundTrip(s, s.connect(PATIENCE), body, true);
                        }),
                new Stage("two frames in one write come back as two frames",
                        "a second frame that never comes back means the server dropped what followed the first frame in the same read: keep it for the next one (F-09)", s -> {
                            Peer c = s.connect(PATIENCE);
                            byte[] a = frame("first".getBytes());
                            byte[] b = frame("second".getBytes());
                            byte[] both = ByteBuffer.allocate(a.length + b.length).put(a).put(b).array();
                            c.send(both);
                            byte[] got = c.read(both.length);
                            s.expect(Arrays.equals(got, both), Wire.hex(both), Wire.hex(got));
                        }),
                new Stage("a 512 KiB frame comes back whole", "a large frame arrives in many reads and leaves in many writes",
                        s -> {
                            byte[] body = new byte[512 * 1024];
                            s.random().nextBytes(body);
                            Peer c = s.connect(PATIENCE);
                            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                                try {
                                    c.send(frame(body));
                                } catch (IOException e) {
                                    throw new IllegalStateException(e);
                                }
                            }, Thread::startVirtualThread);
                            byte[] got = c.read(4 + body.length);
                            sent.get(10, TimeUnit.SECONDS);
                            s.expect(Arrays.equals(got, frame(body)), "the same 524292 bytes", "a difference at byte " + Arrays.mismatch(got, frame(body)));
                        }),
                new Stage("an empty frame comes back as an empty frame",
                        "a connection closed at an empty frame means the server took length 0 for the end of the stream; it is a frame with no bytes", s -> {
                            Peer c = s.connect(PATIENCE);
                            roundTrip(s, c, new byte[0], false);
                            roundTrip(s, c, "after the empty one".getBytes(), false);
                        }),
                new Stage("a frame announcing 2 GiB is refused, and the server serves the next client",
                        "a connection kept open (or a server gone) after a 2 GiB prefix means the length was believed: check it against the limit before allocating anything, and close that connection only", s -> {
                            Peer bad = s.connect(PATIENCE);
                            bad.send(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 'x'});
                            s.expect(bad.closedByServer(), "the server to close the connection", "it kept it open");
                            roundTrip(s, s.connect(PATIENCE), "next, please".getBytes(), false);
                        }),
                new Stage("50 clients at once each get their own frames back", "clients left unanswered while others are connected mean the server serves one client at a time: serve each on its own (a thread, a process or a selector)", s -> {
                            List<Peer> clients = new ArrayList<>();
                            for (int i = 0; i < 50; i++) {
                                clients.add(s.connect(PATIENCE));
                                clients.get(i).socket().getOutputStream().write(frame(("client " + i).getBytes()));
                            }
                            for (int i = 49; i >= 0; i--) {
                                byte[] expected = frame(("client " + i).getBytes());
                                byte[] got = clients.get(i).socket().getInputStream().readNBytes(expected.length);
                                s.expect(Arrays.equals(got, expected), "client " + i + ": " + Wire.hex(expected), Wire.hex(got));
                            }
                            s.note("50 clients, one frame each, all echoed");
                        }),
                new Stage("a prefix with the top bit set is refused, and the server serves the next client",
                        "a server that keeps such a connection open, or crashes, reads the 4-byte prefix as a signed int: 80 00 00 00 is"
                                + " then negative and slips under a 'length > limit' check; the prefix is unsigned: refuse it as too large", s -> {
                            Peer bad = s.connect(PATIENCE);
                            bad.send(new byte[] {(byte) 0x80, 0, 0, 0, 'x'});
                            s.expect(bad.closedByServer(), "the server to close the connection", "it kept it open");
                            roundTrip(s, s.connect(PATIENCE), "next, please".getBytes(), false);
                        }),
                new Stage("frames of many lengths and byte values, cut at random places, come back byte for byte",
                        "a wrong byte or a wrong length here means the server loses its place in the stream: a frame may start anywhere in"
                                + " a read and end anywhere in another; keep the leftover, and never treat the bytes as text", s -> {
                            Peer c = s.connect(PATIENCE);
                            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
                            for (int i = 0; i < 30; i++) {
                                byte[] body = new byte[i == 0 ? 1 : 1 + 2 * s.random().nextInt(i < 25 ? 600 : 40_000)]; // odd lengths, some over 32,767
                                s.random().nextBytes(body);
                                all.writeBytes(frame(body));
                            }
                            byte[] sent = all.toByteArray();
                            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                                try {
                                    for (int at = 0; at < sent.length; ) {
                                        int n = Math.min(sent.length - at, 1 + s.random().nextInt(5000));
                                        c.socket().getOutputStream().write(sent, at, n);
                                        at += n;
                                    }
                                } catch (IOException e) {
                                    throw new java.io.UncheckedIOException(e);
                                }
                            }, Thread::startVirtualThread);
                            byte[] got = c.read(sent.length);
                            sending.get(10, TimeUnit.SECONDS);
                            s.note("c1 sent 30 frames (" + sent.length + " bytes) in random pieces");
                            s.expectSame("the same " + sent.length + " bytes of frames", sent, got);
                        }),
                new Stage(Wire.overANetwork("five frames of 5 to 60 KB, each sent in one write and answered whole"),
                        "a short, wrong or missing answer means the server took one read for a whole frame: a network delivers a frame"
                                + " in 1,448-byte segments, in several reads, some a round trip apart; read the prefix, then read until"
                                + " the body is complete (F-10)", s -> {
                            Peer c = s.connect(PATIENCE);
                            for (int i = 0; i < 5; i++) {
                                // Odd sizes over one segment, most over TCP's first flight (10 segments, 14,480 bytes).
                                byte[] body = new byte[5_001 + 2 * s.random().nextInt(27_500)];
                                s.random().nextBytes(body);
                                byte[] sent = frame(body);
                                c.sendOverANetwork(sent);
                                byte[] got = c.read(sent.length);
                                s.expectSame("frame " + (i + 1) + " back: the same " + sent.length + " bytes, prefix and all", sent, got);
                            }
                        }));
    }

    private static void roundTrip(Session s, Peer c, byte[] body, boolean inPieces) throws Exception {
        byte[] sent = frame(body);
        if (inPieces) {
            // All but the body's tail first, then a pause to prove that no answer comes: a server that
            // takes one read for the body can then only have read part of it, however late it runs,
            // and answers now. Sent all at once, a server slow to read (a loaded machine) would find
            // the whole frame there and pass with one read, now and then.
            int cut = 4 + 1 + s.random().nextInt(body.length - 1);
            c.sendInPieces(Arrays.copyOf(sent, cut));
            expectNoAnswerYet(s, c, cut, sent.length);
            c.sendInPieces(Arrays.copyOfRange(sent, cut, sent.length));
        } else {
            c.send(sent);
        }
        byte[] got = c.read(sent.length);
        s.expectSame(Wire.hex(sent), sent, got);
    }

    /** Nothing may come back while a frame is incomplete: waits {@link #EARLY} to prove "never". */
    private static void expectNoAnswerYet(Session s, Peer c, int sent, int whole) throws IOException, Failed {
        int patience = c.socket().getSoTimeout();
        c.socket().setSoTimeout(Timeouts.millis(EARLY));
        int first;
        try {
            first = c.socket().getInputStream().read();
        } catch (java.net.SocketTimeoutException nothing) {
            return; // what a server that waits for the whole frame does
        } finally {
            c.socket().setSoTimeout(patience);
        }
        s.note("c1 <- " + (first < 0 ? "end of stream" : "an answer") + " with " + (whole - sent) + " bytes of the frame still unsent");
        throw new Failed(first < 0 ? "lost: the server closed the connection while the frame was incomplete (" + sent + " of " + whole + " bytes sent)"
                : "expected: no answer until the frame's last byte is sent\ngot:      an answer after " + sent + " of its " + whole + " bytes");
    }

    public static void main(String[] args) {
        // --link SPEC --server 'COMMAND': the same stages, with the server across lesson 06's link
        int acrossTheLink = AcrossTheLink.runIfAsked("02-framing/run Checker", args, 5002, System.err);
        if (acrossTheLink >= 0) {
            Programs.exit(acrossTheLink);
            return;
        }
        Programs.exit(Wire.main("02-framing/run Checker", "Checks a length-prefixed echo server (FramingServer --framing length); exit 0 only if every stage passes.",
                args, stages(), System.out, System.err));
    }
}
