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
import sockets.cli.Wire;
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

    private Checker() {
    }

    static byte[] frame(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    public static List<Stage> stages() {
        return List.of(
                new Stage("a frame comes back as the same frame", "the server reads one whole frame and writes it back, prefix and all",
                        s -> roundTrip(s, s.connect(PATIENCE), "hello, frames".getBytes(), false)),
                new Stage("a frame sent in single-byte pieces comes back whole",
                        "the 4-byte prefix itself may arrive one byte at a time (F-10): read it in a loop", s -> {
                            byte[] body = new byte[30 + s.random().nextInt(30)];
                            s.random().nextBytes(body);
                            roundTrip(s, s.connect(PATIENCE), body, true);
                        }),
                new Stage("two frames in one write come back as two frames",
                        "a read may bring the start of the next frame: keep it for the next one (F-09)", s -> {
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
                        "length 0 is a frame with no bytes, not the end of the stream", s -> {
                            Peer c = s.connect(PATIENCE);
                            roundTrip(s, c, new byte[0], false);
                            roundTrip(s, c, "after the empty one".getBytes(), false);
                        }),
                new Stage("a frame announcing 2 GiB is refused, and the server serves the next client",
                        "check a length against the limit before allocating anything for it; close that connection only", s -> {
                            Peer bad = s.connect(PATIENCE);
                            bad.send(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 'x'});
                            s.expect(bad.closedByServer(), "the server to close the connection", "it kept it open");
                            roundTrip(s, s.connect(PATIENCE), "next, please".getBytes(), false);
                        }),
                new Stage("50 clients at once each get their own frames back", "each client is served on its own", s -> {
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
                        }));
    }

    private static void roundTrip(Session s, Peer c, byte[] body, boolean inPieces) throws Exception {
        byte[] sent = frame(body);
        if (inPieces) {
            c.sendInPieces(sent);
        } else {
            c.send(sent);
        }
        byte[] got = c.read(sent.length);
        s.expect(Arrays.equals(got, sent), Wire.hex(sent), Wire.hex(got));
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
