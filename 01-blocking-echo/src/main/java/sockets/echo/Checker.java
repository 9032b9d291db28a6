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
    /**
     * How long a client's writes must make no progress before it counts the server as no longer
     * reading; long enough that a server merely starved of CPU on a loaded machine is not taken for one.
     */
    private static final Duration STALL = Duration.ofSeconds(2);

    private Checker() {
    }

    public static List<Stage> stages() {
        return List.of(
                new Stage("echoes a message sent in one write", "a missing or different echo means the server did not send back exactly what it read",
                        s -> {
                            Peer c = s.connect(PATIENCE);
                            byte[] message = "hello, echo\n".getBytes();
                            c.send(message);
                            byte[] got = c.read(message.length);
                            s.expectSame(Wire.hex(message), message, got);
                        }),
                new Stage("echoes a message that arrives in pieces down to single bytes",
                        "no echo (or a late one) for a message in pieces means the server waits for more than one read brings; one read is whatever has arrived: echo every piece",
                        s -> {
                            Peer c = s.connect(PATIENCE);
                            byte[] message = new byte[40 + s.random().nextInt(40)];
                            s.random().nextBytes(message);
                            // The first piece's echo before the rest: only then has the server's first read
                            // provably seen that piece alone. A server slow to read (a loaded machine) would
                            // otherwise find every piece already there and pass with one read, now and then.
                            byte[] first = Arrays.copyOf(message, 1 + s.random().nextInt(8));
                            c.send(first);
                            s.expectSame(Wire.hex(first), first, c.read(first.length));
                            byte[] rest = Arrays.copyOfRange(message, first.length, message.length);
                            c.sendInPieces(rest);
                            s.expectSame(Wire.hex(rest), rest, c.read(rest.length));
                        }),
                new Stage("echoes 1 MiB of every byte value while the client sends",
                        "missing or changed bytes mean part of a write was dropped (a send may take only part of a buffer, E-07) or the data was decoded as text: send all of it, unchanged",
                        s -> {
                            Peer c = s.connect(PATIENCE);
                            byte[] message = new byte[1 << 20];
                            s.random().nextBytes(message);
                            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> sendQuietly(c, message),
                                    Thread::startVirtualThread);
                            byte[] got = c.read(message.length);
                            sent.get(10, TimeUnit.SECONDS);
                            s.expectSame("the same 1048576 bytes back", message, got);
                        }),
                new Stage("serves five clients one after another", "a later client that is never answered means the server stopped accepting after serving one: go back to accept() (or hand each client to its own thread or process)",
                        s -> {
                            for (int i = 1; i <= 5; i++) {
                                Peer c = s.connect(PATIENCE);
                                byte[] message = ("client " + i + "\n").getBytes();
                                c.send(message);
                                byte[] got = c.read(message.length);
                                s.expectSame(Wire.hex(message), message, got);
                                c.socket().close();
                            }
                        }),
                new Stage("a client that shuts down its sending side gets its whole echo, then end of stream",
                        "a short echo here means the server closed when it read end of stream while it still owed echo; end of stream"
                                + " from the client means it is done sending, not that it stopped listening (E-14, BUG-19)",
                        s -> {
                            // A client with a small receive buffer that reads nothing: it sends until the server's send
                            // buffer is full and the server keeps some echo itself, and only then sends its FIN
                            // (Peer.oweAtEnd): at that moment the server owes more than its kernel can hold.
                            Peer c = s.connect(PATIENCE, 8 * 1024);
                            byte[] message = new byte[(int) Math.min(64L << 20, 2 * Wire.sendBufferCeiling() + (4 << 20) + s.random().nextInt(4096))];
                            s.random().nextBytes(message);
                            Peer.Owed owed = c.oweAtEnd(message, STALL);
                            s.expectSame(owed.sent().length + " bytes, then end of stream", owed.sent(), owed.got());
                        }),
                new Stage("a client that resets its connection does not stop the server",
                        "a next client refused or unanswered means one client's reset ended the whole server: catch the error for that connection, log it, serve the next",
                        s -> {
                            Peer first = s.connect(PATIENCE);
                            first.send("going away".getBytes());
                            first.reset();
                            Peer next = s.connect(PATIENCE);
                            byte[] message = "still there?\n".getBytes();
                            next.send(message);
                            byte[] got = next.read(message.length);
                            s.expectSame(Wire.hex(message), message, got);
                        }),
                new Stage(Wire.overANetwork("four messages of 10 to 40 KB, each echoed whole"),
                        "a short echo, or a connection closed after part of a message, means the server took one read for the client's"
                                + " whole message: a network delivers a large write in 1,448-byte segments, in several reads, some a round"
                                + " trip apart; echo every read and keep reading until the client closes",
                        s -> {
                            Peer c = s.connect(PATIENCE);
                            for (int i = 0; i < 4; i++) {
                                // Odd sizes well over one segment and over TCP's first flight (10 segments, 14,480 bytes).
                                byte[] message = new byte[10_001 + 2 * s.random().nextInt(15_000)];
                                s.random().nextBytes(message);
                                c.sendOverANetwork(message);
                                byte[] got = c.read(message.length);
                                s.expectSame("message " + (i + 1) + " echoed: the same " + message.length + " bytes", message, got);
                            }
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
