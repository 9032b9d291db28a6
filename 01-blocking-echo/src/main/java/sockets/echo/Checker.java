package sockets.echo;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import sockets.cli.AcrossTheLink;
import sockets.cli.Programs;
import sockets.cli.Wire;
import sockets.cli.Wire.Peer;
import sockets.cli.Wire.Stage;

/**
 * Checks any TCP echo server at HOST:PORT, written in any language, over the wire: every byte a
 * client sends must come back, in order, however it was split, and the server must go on to the
 * next client. Randomness is seeded; the seed is printed with the command that replays a failure.
 *
 * <pre>01-blocking-echo/run Checker 127.0.0.1:5001</pre>
 */
public final class Checker {

    private static final Duration PATIENCE = Duration.ofSeconds(5);

    private Checker() {
    }

    public static List<Stage> stages() {
        return List.of(
                new Stage("echoes a message sent in one write", "an echo server sends back what it got, all of it",
                        s -> {
                            Peer c = s.connect(PATIENCE);
                            byte[] message = "hello, echo\n".getBytes();
                            c.send(message);
                            byte[] got = c.read(message.length);
                            s.expect(Arrays.equals(got, message), Wire.hex(message), Wire.hex(got));
                        }),
                new Stage("echoes a message that arrives in pieces down to single bytes",
                        "one read is whatever has arrived; the server must echo every piece, not wait for a whole message",
                        s -> {
                            Peer c = s.connect(PATIENCE);
                            byte[] message = new byte[40 + s.random().nextInt(40)];
                            s.random().nextBytes(message);
                            c.sendInPieces(message);
                            byte[] got = c.read(message.length);
                            s.expect(Arrays.equals(got, message), Wire.hex(message), Wire.hex(got));
                        }),
                new Stage("echoes 1 MiB of every byte value while the client sends",
                        "a send may take only part of a buffer (E-07): the server must send all of it, and echo binary data unchanged",
                        s -> {
                            Peer c = s.connect(PATIENCE);
                            byte[] message = new byte[1 << 20];
                            s.random().nextBytes(message);
                            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> sendQuietly(c, message),
                                    Thread::startVirtualThread);
                            byte[] got = c.read(message.length);
                            sent.get(10, TimeUnit.SECONDS);
                            int at = Arrays.mismatch(got, message);
                            s.expect(at < 0, "the same 1048576 bytes back", "a difference at byte " + at);
                        }),
                new Stage("serves five clients one after another", "a server's job is to go back to accept() for the next client",
                        s -> {
                            for (int i = 1; i <= 5; i++) {
                                Peer c = s.connect(PATIENCE);
                                byte[] message = ("client " + i + "\n").getBytes();
                                c.send(message);
                                byte[] got = c.read(message.length);
                                s.expect(Arrays.equals(got, message), Wire.hex(message), Wire.hex(got));
                                c.socket().close();
                            }
                        }),
                new Stage("a client that shuts down its sending side gets its whole echo, then end of stream",
                        "end of stream from the client means it is done sending, not that it stopped listening (E-14)",
                        s -> {
                            Peer c = s.connect(PATIENCE);
                            byte[] message = new byte[100_000];
                            s.random().nextBytes(message);
                            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                                sendQuietly(c, message);
                                try {
                                    c.shutdownOutput();
                                } catch (IOException ignored) { // the read below shows what went wrong
                                }
                            }, Thread::startVirtualThread);
                            byte[] got = c.readToEnd(message.length);
                            sent.get(10, TimeUnit.SECONDS);
                            s.expect(Arrays.equals(got, message), message.length + " bytes, then end of stream",
                                    got.length + " bytes" + (Arrays.equals(got, Arrays.copyOf(message, got.length)) ? "" : ", different"));
                        }),
                new Stage("a client that resets its connection does not stop the server",
                        "a reset is the client's problem; the server must log it and serve the next client",
                        s -> {
                            Peer first = s.connect(PATIENCE);
                            first.send("going away".getBytes());
                            first.reset();
                            Peer next = s.connect(PATIENCE);
                            byte[] message = "still there?\n".getBytes();
                            next.send(message);
                            byte[] got = next.read(message.length);
                            s.expect(Arrays.equals(got, message), Wire.hex(message), Wire.hex(got));
                        }));
    }

    private static void sendQuietly(Peer c, byte[] message) {
        try {
            c.send(message);
        } catch (IOException e) {
            throw new IllegalStateException("sending failed: " + e.getMessage(), e);
        }
    }

    public static void main(String[] args) {
        // --link SPEC --server 'COMMAND': the same stages, with the server across lesson 06's link
        int acrossTheLink = AcrossTheLink.runIfAsked("01-blocking-echo/run Checker", args, 5001, System.err);
        if (acrossTheLink >= 0) {
            Programs.exit(acrossTheLink);
            return;
        }
        Programs.exit(Wire.main("01-blocking-echo/run Checker", "Checks an echo server over the wire; exit 0 only if every stage passes.",
                args, stages(), System.out, System.err));
    }
}
