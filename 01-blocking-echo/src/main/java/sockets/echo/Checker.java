package sockets.echo;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import sockets.cli.AcrossTheLink;
import sockets.cli.Programs;
import sockets.cli.ServerProcess;
import sockets.cli.Timeouts;
import sockets.cli.Wire;
import sockets.cli.Wire.Peer;
import sockets.cli.Wire.Stage;

/**
 * Checks any TCP echo server at HOST:PORT, written in any language, over the wire: every byte a
 * client sends must come back, in order, however it was split, whatever it looks like, at once
 * and at a rate not far below an echo inside the checker; the server must go on to the next
 * client, close each connection it is done with, and still owe every byte when a client that
 * reads late half-closes. Randomness is seeded; the seed is printed with the command that replays a failure.
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

    /**
     * Stage 4's lines: after the first, several that look like commands a server might be tempted
     * to act on (with LF and CRLF, as nc and telnet end a typed line), each alone on its connection.
     */
    static final List<String> COMMANDS = List.of("quit\n", "quit\r\n", "QUIT\r\n", "exit\n", "exit\r\n", "bye\n", "BYE\r\n", "close\n",
            "stop\n", "\r\n", "\n");
    /**
     * Stage 4's time for all its clients, each a connection and a round trip: a server that echoes
     * at once needs a few ms for each, tens on a loaded machine; one that holds each short echo
     * back for 200 ms needs 10 s for 50.
     */
    static final long ROUND_TRIPS = 8000;
    /** The same across lesson 06's link, where each connection and round trip is the link's (100 ms), and a lost segment costs 200 ms or more. */
    static final long ROUND_TRIPS_ACROSS_A_LINK = 25_000;
    /** Stage 4's clients: enough that a server that keeps one descriptor per client it has served stands out from one that keeps a few. */
    static final int CLIENTS = 50;

    /** Stage 6's clients that reset, each followed by one that is served: a leak of one descriptor for each stands out. */
    static final int RESETS = 20;
    /** What stage 4's client {@code i} (from 1) sends. */
    static String line(int i) {
        return i >= 2 && i - 2 < COMMANDS.size() ? COMMANDS.get(i - 2) : "client " + i + "\n";
    }

    private static boolean acrossALink(Wire.Session s) {
        return Wire.acrossALink(s.target());
    }

    /** True when the checker runs across lesson 06's link (it sets LINK_SERVER for the programs it starts). */
    private static boolean linked() {
        String server = System.getenv("LINK_SERVER");
        return server != null && !server.isBlank();
    }

    public static List<Stage> stages() {
        return List.of(
                new Stage("echoes a message sent in one write", "a missing or different echo means the server did not send back exactly what it read",
                        s -> {
                            Peer c = s.connect(PATIENCE);
                            byte[] message = "hello, echo\n".getBytes(StandardCharsets.US_ASCII);
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
                new Stage("echoes 1 MiB of every byte value while the client sends, not far slower than an echo in the checker"
                        + (linked() ? " (the rate not compared: across the link it is the link's)" : ""),
                        "missing or changed bytes mean part of a write was dropped (a send may take only part of a buffer, E-07) or the data"
                                + " was decoded as text: send all of it, unchanged; every byte right but at a small fraction of the rate of the"
                                + " checker's own echo means the server moves a byte or a few per system call: read into, and send from, a"
                                + " buffer of kilobytes",
                        s -> {
                            Peer c = s.connect(PATIENCE);
                            byte[] message = new byte[1 << 20];
                            s.random().nextBytes(message);
                            long start = System.nanoTime();
                            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> sendQuietly(c, message),
                                    Thread::startVirtualThread);
                            byte[] got = c.read(message.length);
                            long took = System.nanoTime() - start;
                            sent.get(10, TimeUnit.SECONDS);
                            s.expectSame("the same 1048576 bytes back", message, got);
                            Rate.atLeastAnEchos(s, c, message, took);
                        }),
                new Stage("serves " + CLIENTS + " clients one after another, each echo at once whatever it looks like, and closes each"
                        + " connection it is done with",
                        "a later client that is never answered means the server stopped accepting after serving one: go back to accept()"
                                + " (or hand each client to its own thread or process); a client whose line looks like a command (quit, exit)"
                                + " and gets no echo means the server acts on data: an echo server's bytes are data, whatever they look like;"
                                + " echoes that come late, one after another, mean the server holds back what it read (to gather more, or on"
                                + " a timer) instead of sending it at once; open descriptors that grow by one for every client that came and"
                                + " went mean the server never closes a connection it is done with: close() it (shutdown() sends the FIN but"
                                + " keeps the descriptor), or it stops accepting when it runs out",
                        s -> {
                            ServerProcess.Found server = ServerProcess.find(s.target().getPort());
                            long before = server.process() == null ? -1 : server.process().openDescriptors();
                            long budget = acrossALink(s) ? ROUND_TRIPS_ACROSS_A_LINK : ROUND_TRIPS;
                            long start = System.nanoTime();
                            for (int i = 1; i <= CLIENTS; i++) {
                                Peer c = s.connect(PATIENCE);
                                byte[] message = line(i).getBytes(StandardCharsets.US_ASCII);
                                c.send(message);
                                byte[] got = c.read(message.length);
                                s.expectSame(Wire.hex(message), message, got);
                                c.socket().close();
                                long ms = (System.nanoTime() - start) / 1_000_000;
                                s.expect(ms <= budget, CLIENTS + " clients served one after another in " + budget + " ms or less in all (a server"
                                                + " that echoes what it reads at once needs a few ms for each)",
                                        "only " + i + " of them in " + ms + " ms, about " + ms / i + " ms each: the server holds back echo it"
                                                + " has read (waiting to gather more, or on a timer) instead of sending it at once");
                            }
                            if (before < 0) {
                                s.note("descriptors and zombies not counted: " + (server.whyNot() != null ? server.whyNot() : "the server's process could not be read"));
                                return;
                            }
                            long after = server.process().settledDescriptors(before, STALL);
                            s.note("the server (" + server.process().what() + ") had " + before + " descriptors open before the " + CLIENTS
                                    + " clients, " + after + " after they had all closed");
                            s.expect(after - before <= CLIENTS / 2, "the server's open descriptors back to about " + before + " once its "
                                    + CLIENTS + " clients had closed (a few more are fine)", after + " open: " + (after - before) + " more,"
                                    + " about one for each client that came and went: the server keeps a descriptor for every connection it"
                                    + " has finished with");
                            server.process().expectFewZombies(s, "its " + CLIENTS + " clients had gone");
                        }),
                new Stage("a client that shuts down its sending side gets its whole echo, then end of stream",
                        "a short echo here means the server closed when it read end of stream while it still owed echo, or threw away"
                                + " echo it could not send at once (a capped queue); end of stream from the client means it is done sending,"
                                + " not that it stopped listening (E-14, BUG-19), and a client that reads late is still owed every byte",
                        s -> {
                            // A client with a small receive buffer that reads nothing: it sends until the server's send
                            // buffer is full and the server keeps some echo itself, and, if the server reads on, on to the
                            // end of its data; only then its FIN (Peer.oweAll): at that moment the server owes more than
                            // its kernel can hold, megabytes more if it never stops reading.
                            Peer c = s.connect(PATIENCE, 8 * 1024);
                            byte[] message = new byte[(int) Math.min(64L << 20, 3 * Wire.sendBufferCeiling() + (4 << 20) + s.random().nextInt(4096))];
                            s.random().nextBytes(message);
                            Peer.Owed owed = c.oweAll(message, STALL);
                            s.expectSame(owed.sent().length + " bytes, then end of stream", owed.sent(), owed.got());
                        }),
                new Stage("clients that reset their connections do not stop the server, and cost it no descriptor",
                        "a next client refused or unanswered means one client's reset ended the whole server: catch the error for that"
                                + " connection, log it, serve the next; open descriptors that grow by one for every client that reset mean"
                                + " the error path never closes the connection: close it there too (finally, or try-with-resources)",
                        s -> {
                            ServerProcess.Found server = ServerProcess.find(s.target().getPort());
                            long before = server.process() == null ? -1 : server.process().openDescriptors();
                            for (int i = 1; i <= RESETS; i++) {
                                Peer rude = s.connect(PATIENCE);
                                rude.send(("going away " + i).getBytes());
                                rude.reset();
                                // Each one's reset seen before the next connects: a server one client at a time serves them all.
                                Peer next = s.connect(PATIENCE);
                                byte[] message = ("still there? " + i + "\n").getBytes();
                                next.send(message);
                                byte[] got = next.read(message.length);
                                s.expectSame(Wire.hex(message), message, got);
                                next.socket().close();
                            }
                            if (before < 0) {
                                s.note("descriptors not counted: " + (server.whyNot() != null ? server.whyNot() : "the server's process could not be read"));
                                return;
                            }
                            long after = server.process().settledDescriptors(before, STALL);
                            s.note("the server (" + server.process().what() + ") had " + before + " descriptors open before " + RESETS
                                    + " clients reset, " + after + " after");
                            s.expect(after - before <= RESETS / 2, "the server's open descriptors back to about " + before + " after " + RESETS
                                    + " clients reset (a few more are fine)", after + " open: " + (after - before) + " more, about one for"
                                    + " each client that reset: the server never closes a connection that fails");
                            server.process().expectFewZombies(s, "its " + 2 * RESETS + " clients had gone");
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

    /**
     * Stage 3's rate: a server's echo of 1 MiB against a yardstick measured in the same run, an
     * echo inside the checker's own process over loopback (64 KiB reads and writes), so that a
     * loaded machine slows both. A server that moves whole buffers per system call takes a few
     * times the yardstick, or tens of times for a Python loop of recv(1024); one that moves a
     * byte per call takes about a thousand times. The bar is in between, on a log scale: at most
     * {@link #TIMES} the yardstick, and never under {@link #FLOOR_MS}, so a pause of the
     * scheduler is no verdict. A first echo over the bar gets a second chance on the same
     * connection; across lesson 06's link the rate is the link's, and is not compared.
     */
    static final class Rate {
        static final long TIMES = 30;
        static final long FLOOR_MS = 250;

        private Rate() {
        }

        static void atLeastAnEchos(Wire.Session s, Peer c, byte[] message, long tookNanos) throws Exception {
            if (Wire.acrossALink(s.target())) {
                s.note("rate not compared: across the link the rate is the link's");
                return;
            }
            long took = tookNanos / 1_000_000;
            if (took <= FLOOR_MS) {
                s.note("1 MiB echoed in " + took + " ms: under " + FLOOR_MS + " ms, fast whatever the yardstick");
                return;
            }
            long yardstick = yardstickNanos(message, 3) / 1_000_000;
            long bar = bar(yardstick);
            s.note("1 MiB echoed in " + took + " ms; the checker's own echo of it took " + yardstick + " ms; the bar is " + bar + " ms");
            if (took <= bar) {
                return;
            }
            // A second chance on the same connection: a server delayed once by a busy machine is not slow.
            long again = timed(c, message, bar);
            s.note("1 MiB again: " + (again < 0 ? "not back within " + bar + " ms" : "echoed in " + again + " ms"));
            s.expect(again >= 0 && again <= bar, "1 MiB echoed within " + bar + " ms (" + TIMES + " times the " + yardstick
                    + " ms an echo in the checker took for it, and never under " + FLOOR_MS + " ms)", "the first echo of it took " + took + " ms (" + Math.max(1, took / Math.max(1, yardstick))
                    + " times), and a second " + (again < 0 ? "was not back within " + bar + " ms" : "took " + again + " ms") + ": the server"
                    + " moves every byte, slowly, as if a byte or a few per system call");
        }

        /** The most a server's echo of 1 MiB may take, given the checker's own took {@code yardstickMs}. */
        static long bar(long yardstickMs) {
            return Math.max(FLOOR_MS, TIMES * yardstickMs);
        }

        /** Echoes {@code message} over {@code c} once more; its time in ms, or -1 if the whole echo was not back within {@code mostMs}. */
        static long timed(Peer c, byte[] message, long mostMs) throws IOException, Wire.Failed, InterruptedException {
            Socket socket = c.socket();
            long start = System.nanoTime();
            long deadline = start + mostMs * 1_000_000;
            Thread writer = Thread.ofPlatform().daemon().start(() -> {
                try {
                    socket.getOutputStream().write(message);
                } catch (IOException ended) { // the read below says what happened
                }
            });
            byte[] got = new byte[message.length];
            int at = 0;
            InputStream in = socket.getInputStream();
            int patience = socket.getSoTimeout();
            try {
                while (at < got.length) {
                    long left = (deadline - System.nanoTime()) / 1_000_000;
                    if (left <= 0) {
                        return -1;
                    }
                    socket.setSoTimeout((int) Math.max(1, left));
                    int r = in.read(got, at, got.length - at);
                    if (r < 0) {
                        throw new Wire.Failed("lost: the second 1 MiB got " + at + " of " + got.length + " bytes, then the server closed the connection");
                    }
                    at += r;
                }
            } catch (SocketTimeoutException e) {
                return -1;
            } finally {
                if (at == got.length) {
                    socket.setSoTimeout(patience);
                }
            }
            long took = (System.nanoTime() - start) / 1_000_000;
            writer.join(Timeouts.millis(PATIENCE));
            String difference = Wire.difference(message, got);
            if (difference != null) {
                throw new Wire.Failed("expected: the same 1048576 bytes back, the second time\ngot:      " + difference);
            }
            return took;
        }

        /** The best of {@code tries} echoes of {@code data} by a thread of this process, over loopback, in nanoseconds. */
        static long yardstickNanos(byte[] data, int tries) throws IOException, InterruptedException {
            long best = Long.MAX_VALUE;
            for (int i = 0; i < tries; i++) {
                best = Math.min(best, yardstickOnce(data));
            }
            return best;
        }

        private static long yardstickOnce(byte[] data) throws IOException, InterruptedException {
            InetAddress loopback = InetAddress.getLoopbackAddress();
            try (ServerSocket listener = new ServerSocket(0, 1, loopback)) {
                listener.setSoTimeout(Timeouts.millis(PATIENCE));
                Thread echo = Thread.ofPlatform().daemon().start(() -> {
                    try (Socket a = listener.accept()) {
                        a.getInputStream().transferTo(a.getOutputStream());
                    } catch (IOException ended) { // the client's read says what happened
                    }
                });
                long start = System.nanoTime();
                try (Socket client = new Socket(loopback, listener.getLocalPort())) {
                    client.setSoTimeout(Timeouts.millis(PATIENCE));
                    Thread writer = Thread.ofPlatform().daemon().start(() -> {
                        try {
                            client.getOutputStream().write(data);
                            client.shutdownOutput();
                        } catch (IOException ended) { // the read below says what happened
                        }
                    });
                    byte[] back = client.getInputStream().readNBytes(data.length);
                    long took = System.nanoTime() - start;
                    writer.join(Timeouts.millis(PATIENCE));
                    if (back.length != data.length) {
                        throw new IOException("the checker's own echo returned " + back.length + " of " + data.length + " bytes");
                    }
                    return took;
                } finally {
                    echo.join(Timeouts.millis(PATIENCE));
                }
            }
        }
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
