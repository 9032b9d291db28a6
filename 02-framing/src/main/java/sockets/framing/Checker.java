package sockets.framing;

import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import sockets.cli.AcrossTheLink;
import sockets.cli.Programs;
import sockets.cli.ServerProcess;
import sockets.cli.Timeouts;
import sockets.cli.Wire;
import sockets.cli.Wire.Failed;
import sockets.cli.Wire.Peer;
import sockets.cli.Wire.Queues;
import sockets.cli.Wire.Session;
import sockets.cli.Wire.Stage;

/**
 * Checks any length-prefixed echo server at HOST:PORT ({@code FramingServer}'s default framing:
 * 4 bytes big-endian length, then the frame; each frame comes back as one frame), in any language,
 * over the wire: split and joined frames, large and empty ones, a frame of exactly the limit and
 * lengths over it, a stream cut inside a frame, frames that read like commands, a reset mid-frame,
 * a client that does not read its answers beside 50 that do. Where it can see the server's process
 * ({@code ServerProcess}: Linux, this user's, not in this JVM) it also checks that the server sleeps
 * while it waits, allocates no announced body ahead of its bytes and closes what clients end.
 *
 * <pre>02-framing/run Checker 127.0.0.1:5002</pre>
 */
public final class Checker {

    private static final Duration PATIENCE = Duration.ofSeconds(5);
    /** The protocol's limit: a frame of up to 1 MiB is echoed, a longer announced length closes the connection. */
    static final int LIMIT = 1 << 20;
    /** How long stage 2 waits to prove that an incomplete frame gets no answer. */
    private static final Duration EARLY = Duration.ofSeconds(2);

    private Checker() {
    }

    static byte[] frame(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    public static List<Stage> stages() {
        return List.of(
                new Stage("a frame comes back as the same frame, whatever its bytes spell ('quit', 'exit', ...)",
                        "a missing or different answer means the server did not read one whole frame and write it back, prefix and all;"
                                + " a connection closed at a frame such as 'quit' means the server read the bytes as a command: the protocol"
                                + " has none, every frame is data and comes back. Answers whose body comes tens of milliseconds after their"
                                + " prefix are written in two writes with Nagle's algorithm on: write each answer in one write", s -> {
                            Peer c = s.connect(PATIENCE);
                            roundTrip(s, c, "hello, frames".getBytes(), false);
                            for (String word : List.of("quit", "QUIT\r\n", "exit", "close", "bye", "stop")) {
                                roundTrip(s, c, word.getBytes(), false);
                            }
                            answersInOnePiece(s, c);
                        }),
                new Stage("a frame sent in single-byte pieces comes back whole, and the server sleeps while it waits for them",
                        "a frame sent in pieces that comes back wrong, short or not at all means the server took one read for a whole prefix or body: read the 4-byte prefix, then the body, each in a loop (F-10);"
                                + " a server that uses as much CPU as a spinning thread while the rest has not come spins instead of waiting:"
                                + " block in recv, select or poll, and never retry a would-block at once", s -> {
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
                new Stage("a frame of exactly the limit, 1 MiB (1,048,576 bytes), comes back whole, and 64 frames of it announced cost little memory",
                        "a connection closed at once means the limit is checked with >= where it must be >: a frame of exactly the limit is"
                                + " allowed; a short or wrong answer means the large frame, which arrives in many reads and leaves in many"
                                + " writes, lost its place; memory that grows by the announced length while no byte of it has come means the"
                                + " body is allocated from the prefix: allocate as the bytes arrive", s -> {
                            byte[] body = new byte[LIMIT];
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
                            s.expectSame("the same " + (4 + LIMIT) + " bytes, prefix and all", frame(body), got);
                            announcedOnly(s);
                        }),
                new Stage("an empty frame comes back as an empty frame, and a frame cut short by the end of the stream gets no answer",
                        "a connection closed at an empty frame means the server took length 0 for the end of the stream; it is a frame with"
                                + " no bytes. An answer to a frame the stream ended inside means the server invented a frame of the bytes that"
                                + " came: a stream that ends inside a frame is an error, and gets the end of the stream, nothing else", s -> {
                            Peer c = s.connect(PATIENCE);
                            roundTrip(s, c, new byte[0], false);
                            roundTrip(s, c, "after the empty one".getBytes(), false);
                            byte[] cut = Arrays.copyOf(frame("abcdefghij".getBytes()), 4 + 5); // announces 10 bytes, sends 5
                            c.send(cut);
                            c.shutdownOutput();
                            expectEndAndNothing(s, c, "after a prefix announcing 10 bytes, 5 of them and the end of the stream");
                        }),
                new Stage("a frame announcing more than the limit (1 MiB + 1 byte, 2 GiB) is refused, and the server serves the next client",
                        "a connection kept open (or a server gone) after such a prefix means the length was believed: check it against the"
                                + " limit, 1,048,576 bytes, before allocating anything, and close that connection only; open descriptors"
                                + " that grow by one for every refusal mean the refusing path ends the connection without close()"
                                + " (shutdown() sends the FIN but keeps the descriptor)", s -> {
                            ServerProcess.Found server = ServerProcess.find(s.target().getPort());
                            long before = server.process() == null ? -1 : server.process().openDescriptors();
                            Peer over = s.connect(PATIENCE);
                            over.send(new byte[] {0, 0x10, 0, 1, 'x'});
                            s.expect(over.closedByServer(), "the server to close the connection announcing 1,048,577 bytes", "it kept it open");
                            Peer bad = s.connect(PATIENCE);
                            bad.send(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 'x'});
                            s.expect(bad.closedByServer(), "the server to close the connection", "it kept it open");
                            over.socket().close();
                            bad.socket().close();
                            // More refusals, each closed by its client: a leak of one descriptor for each stands out.
                            for (int i = 0; i < REFUSALS; i++) {
                                try (Socket more = new Socket()) {
                                    more.connect(s.target(), Timeouts.millis(PATIENCE));
                                    more.setSoTimeout(Timeouts.millis(PATIENCE));
                                    more.getOutputStream().write(new byte[] {0, 0x10, 0, 1, 'x'});
                                    try {
                                        s.expect(more.getInputStream().read() == -1, "the server to close connection " + (i + 3) + " announcing"
                                                + " 1,048,577 bytes", "it sent something");
                                    } catch (IOException reset) { // a refusal by reset is a refusal
                                    }
                                }
                            }
                            roundTrip(s, s.connect(PATIENCE), "next, please".getBytes(), false);
                            if (before < 0) {
                                s.note("descriptors not counted: " + (server.whyNot() != null ? server.whyNot() : "the server's process could not be read"));
                                return;
                            }
                            long after = server.process().settledDescriptors(before, Duration.ofSeconds(1));
                            s.note("the server (" + server.process().what() + ") had " + before + " descriptors open before " + (REFUSALS + 2)
                                    + " refusals, " + after + " after");
                            s.expect(after - before <= REFUSALS / 2, "the server's open descriptors back to about " + before + " after "
                                    + (REFUSALS + 2) + " refused connections had ended (a few more are fine)", after + " open: " + (after - before)
                                    + " more, about one for each refusal: the server ends a refused connection without close()");
                        }),
                new Stage("50 clients at once each get their own frames back, after a client that resets mid-frame and beside one that"
                        + " does not read its answers",
                        "clients left unanswered while one client does not read means that client's answers block the server: serve each"
                                + " client on its own (a thread, a process, or a selector that writes only what a socket takes and keeps the"
                                + " rest); a server that holds megabytes of answers a client does not read keeps reading it regardless: stop"
                                + " reading a client while its answers cannot leave (back-pressure); an answer holding bytes the client never"
                                + " sent means state kept for a connection outlived it (a reset client's partial frame, kept under a"
                                + " descriptor number the next client gets); a server gone after a reset"
                                + " did not handle the connection's error; descriptors still held after the clients ended mean a connection"
                                + " is never closed", Checker::manyClients),
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

    /**
     * 20 more round trips of a small frame, each answer read as it arrives: an answer written in one
     * write arrives in one piece on loopback, every time. One written as a prefix and then a body,
     * with Nagle's algorithm on, arrives as the prefix alone and the body a delayed ACK later (40 ms
     * or more): seen in 5 or more of the 20, it fails. (Two writes with Nagle off arrive apart only
     * when the server is descheduled between them for 20 ms, not 5 times in 20.)
     */
    private static void answersInOnePiece(Session s, Peer c) throws IOException, Failed {
        c.socket().setTcpNoDelay(true);
        java.io.InputStream in = c.socket().getInputStream();
        java.io.OutputStream out = c.socket().getOutputStream();
        List<Long> gaps = new ArrayList<>();
        byte[] sent = frame("ping".getBytes());
        for (int i = 0; i < 20; i++) {
            out.write(sent);
            byte[] got = new byte[sent.length];
            int at = 0;
            long prefixAlone = -1;
            while (at < got.length) {
                int r = in.read(got, at, got.length - at);
                if (r < 0) {
                    break;
                }
                at += r;
                if (at == 4 && prefixAlone < 0) {
                    prefixAlone = System.nanoTime();
                }
            }
            s.expectSame("round trip " + (i + 1) + " of 20 more: " + Wire.hex(sent), sent, Arrays.copyOf(got, at));
            if (prefixAlone >= 0 && System.nanoTime() - prefixAlone >= 20_000_000L) {
                gaps.add((System.nanoTime() - prefixAlone) / 1_000_000);
            }
        }
        s.note("c1 -> 20 more round trips of " + Wire.hex(sent) + ": the prefix came alone, the body 20 ms or more after it, in "
                + gaps.size() + (gaps.isEmpty() ? "" : " (" + gaps + " ms)"));
        s.expect(gaps.size() < 5, "each answer in one piece, its body right behind its prefix", "in " + gaps.size() + " of 20 round trips"
                + " the prefix came alone and the body " + gaps + " ms after it: two writes per answer, and Nagle's algorithm holds the"
                + " second until the first is acknowledged");
    }

    /**
     * 64 clients announce a frame of the limit and send none of it: the server must not allocate
     * the announced length before the bytes come (a correct server grows by a few MB; one that
     * allocates 64 MiB). Measured where the server's process is visible.
     */
    private static void announcedOnly(Session s) throws Exception {
        ServerProcess.Found found = ServerProcess.find(s.target().getPort());
        long before = found.process() == null ? -1 : found.process().residentBytes();
        if (before < 0) {
            s.note("memory not measured: " + (found.process() == null ? found.whyNot() : "the server's process is gone"));
            return;
        }
        int clients = 64;
        for (int i = 0; i < clients; i++) {
            s.connect(PATIENCE).socket().getOutputStream().write(new byte[] {0, 0x10, 0, 0});
        }
        // A bounded wait to prove "never": 2 s, or until it has grown by half of what the clients announced.
        long limit = 32L << 20;
        long now = before;
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (now >= 0 && now - before < limit && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
            now = found.process().residentBytes();
        }
        s.note(clients + " clients -> 00 10 00 00 (a frame of 1,048,576 bytes announced), nothing more; the server's memory (VmRSS of "
                + found.process().what() + "): " + before / 1024 + " KiB before, " + now / 1024 + " KiB after");
        s.expect(now < 0 || now - before < limit, "the server to hold little memory for " + clients
                + " announced frames whose bytes have not come (a few MB at most)", "it grew by " + (now - before) / (1 << 20)
                + " MiB: it allocated each announced frame before its bytes came");
    }

    /**
     * Stage 7: a client that resets mid-frame, the next one, a client that does not read, then 50
     * clients at once; the server's descriptors before and after.
     */
    private static void manyClients(Session s) throws Exception {
        int port = s.target().getPort();
        ServerProcess.Found found = ServerProcess.find(port);
        ServerProcess.Descriptors fdsBefore = found.process() == null ? null : found.process().descriptors();
        // c1 sends half a frame, waits until the server has read it, and resets the connection.
        Peer reset = s.connect(PATIENCE);
        reset.send(new byte[] {0, 0, 0, 18, 'a', 'b'}); // announces 18 bytes, sends 2
        Queues.awaitRead(port, reset.socket().getLocalPort(), PATIENCE);
        reset.reset();
        // The next client (c2) must get its own frame back, not one made of a reset client's bytes.
        Peer next = s.connect(PATIENCE);
        byte[] mine = frame("a new client".getBytes());
        next.send(mine);
        s.expectSame("c2, the first client after the reset: " + Wire.hex(mine), mine, readUpTo(s, next, mine.length));
        // A client (c3) that sends more frames than the kernel's buffers hold (its receive buffer shrunk) and reads nothing.
        Peer quiet = s.connect(PATIENCE, 16 * 1024);
        int piece = 256 * 1024;
        int frames = (int) ((Wire.sendBufferCeiling() + (12L << 20)) / piece) + 1;
        byte[] owed = new byte[frames * (4 + piece)];
        for (int i = 0; i < frames; i++) {
            byte[] body = new byte[piece];
            s.random().nextBytes(body);
            System.arraycopy(frame(body), 0, owed, i * (4 + piece), 4 + piece);
        }
        java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
        Thread writer = Thread.ofPlatform().daemon().start(() -> {
            try {
                for (int at = 0; at < owed.length; at += 65_536) {
                    quiet.socket().getOutputStream().write(owed, at, Math.min(65_536, owed.length - at));
                    sent.set(Math.min(owed.length, at + 65_536));
                }
            } catch (IOException e) {
                // the read back below says how the connection ended
            }
        });
        awaitOwing(writer, sent, port, quiet.socket().getLocalPort());
        Queues.Pair q = visible(Queues.read(port, quiet.socket().getLocalPort()));
        s.note("c3 -> " + sent.get() + " of " + owed.length + " bytes of " + frames + " frames, reading nothing"
                + (q == null ? "" : "; the kernel holds " + q.total() + " of them (both ends' queues)"));
        if (q != null) {
            // What the client sent that is neither in the kernel's queues nor back with the client is in the server's memory.
            long held = sent.get() - q.total();
            s.expect(held <= 2L << 20, "the server to stop reading c3 while c3 does not read its answers, holding no more than a"
                    + " frame or two of them itself (2 MiB at most)", "it holds " + held + " bytes of c3's frames that the kernel's buffers"
                    + " could not take: it reads on whether or not its answers can leave, and keeps them in memory");
        }
        List<Peer> clients = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            clients.add(s.connect(PATIENCE));
            clients.get(i).socket().getOutputStream().write(frame(("client " + i).getBytes()));
        }
        for (int i = 49; i >= 0; i--) {
            byte[] expected = frame(("client " + i).getBytes());
            byte[] got = readUpTo(s, clients.get(i), expected.length);
            s.expectSame("client " + i + " (c" + (4 + i) + "): " + Wire.hex(expected), expected, got);
        }
        s.note("50 clients, one frame each, all echoed");
        byte[] back = readUpTo(s, quiet, owed.length);
        writer.join(Timeouts.millis(PATIENCE));
        s.expectSame("c3, the client that read nothing until now: its " + frames + " frames (" + owed.length + " bytes)", owed, back);
        for (Peer c : clients) {
            c.socket().close();
        }
        quiet.socket().close();
        next.socket().close();
        if (fdsBefore == null) {
            s.note("descriptors not counted: " + (found.process() == null ? found.whyNot() : "the server's process is gone"));
            return;
        }
        // Every client has ended: within the patience, the server must be back to the descriptors it had.
        ServerProcess.Descriptors now = found.process().descriptors();
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (now != null && now.all() > fdsBefore.all() + 2 && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
            now = found.process().descriptors();
        }
        if (now != null) {
            s.note("the server (" + found.process().what() + "): " + fdsBefore.all() + " descriptors before, " + now.all() + " after all 53 clients ended");
            s.expect(now.all() <= fdsBefore.all() + 2, "the server to close every connection its client ended: about " + fdsBefore.all()
                    + " descriptors, as before", now.all() + " descriptors (" + now.sockets() + " sockets) " + Timeouts.millis(PATIENCE)
                    + " ms after the clients ended: " + (now.all() - fdsBefore.all()) + " connections never closed");
        }
        // A forking server's children, one for each client, must be waited for.
        found.process().expectFewZombies(s, "its clients had ended");
    }

    /** Stage 6's further clients refused for a prefix over the limit. */
    static final int REFUSALS = 20;

    /** {@code q} if both ends of the connection are visible, else null. */
    private static Queues.Pair visible(Queues.Pair q) {
        return q == null || !q.whole() ? null : q;
    }

    /**
     * Waits until the client that reads nothing has made the server owe it all the kernel can hold:
     * its writes are done or make no progress, and the server has read all of them or stopped
     * reading them (the queues did not change for 500 ms). Bounded: 15 s.
     */
    private static void awaitOwing(Thread writer, java.util.concurrent.atomic.AtomicLong sent, int serverPort, int clientPort) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        Queues.Pair last = null;
        long lastSent = -1;
        long since = System.nanoTime();
        while (System.nanoTime() < deadline) {
            Queues.Pair q = visible(Queues.read(serverPort, clientPort));
            long now = sent.get();
            if (!writer.isAlive() && q != null && q.readAll()) {
                return; // the server has read every byte: what it owes is in its buffers or blocks its write
            }
            if (q == null && !writer.isAlive()) {
                return; // not visible here (or the connection is gone): the writer is done
            }
            if (now != lastSent || q != null && !q.equals(last)) {
                last = q;
                lastSent = now;
                since = System.nanoTime();
            } else if (System.nanoTime() - since > 500_000_000L) {
                return; // the server stopped reading this client
            }
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
        }
    }

    /** Reads {@code n} bytes, or fewer if the stream ends (or resets) first; "stalled" if nothing comes for the patience. */
    private static byte[] readUpTo(Session s, Peer c, int n) throws IOException, Failed {
        byte[] got = new byte[n];
        int at = 0;
        String end = "";
        try {
            for (int r; at < n && (r = c.socket().getInputStream().read(got, at, n - at)) >= 0; ) {
                at += r;
            }
            end = at < n ? ", then end of stream" : "";
        } catch (java.net.SocketTimeoutException e) {
            s.note("<- " + Wire.hex(Arrays.copyOf(got, at)) + ", then nothing");
            throw new Failed("stalled: got " + at + " of " + n + " bytes, then nothing for " + c.socket().getSoTimeout()
                    + " ms while the connection stayed open (the server stopped: blocked, waiting, or busy elsewhere)");
        } catch (java.net.SocketException e) {
            end = ", then a reset (" + e.getMessage() + ")";
        }
        s.note("<- " + Wire.hex(Arrays.copyOf(got, at)) + end);
        return Arrays.copyOf(got, at);
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
            // Meanwhile the server has nothing to do but wait: it must sleep, not spin.
            ServerProcess.Found found = ServerProcess.find(s.target().getPort());
            if (found.process() == null) {
                s.note("CPU not measured: " + found.whyNot());
                expectNoAnswerYet(s, c, cut, sent.length);
            } else {
                // Up to three stretches of waiting: a server that sleeps is under half the spinner's CPU in one of them
                // (a JVM's compiler threads may be busy in the first); one that spins is over it in all three.
                ServerProcess.Cpu[] cpu = new ServerProcess.Cpu[1];
                for (int round = 1; round <= 3; round++) {
                    cpu[0] = null;
                    found.process().measureCpu(() -> {
                        expectNoAnswerYet(s, c, cut, sent.length);
                        return null;
                    }, r -> cpu[0] = r);
                    if (cpu[0] == null) {
                        break; // the process is gone: the answer, or its absence, tells
                    }
                    s.note("while it waited for the rest (" + round + "): " + cpu[0].describe() + " (" + found.process().what() + ")");
                    if (cpu[0].ratio() < 0.5) {
                        break;
                    }
                    s.expect(round < 3, "the server to sleep while it waits for the rest of the frame (under half the CPU of a"
                            + " thread that spins)", cpu[0].describe() + ", and as much in two more stretches: it spins while nothing arrives");
                }
            }
            c.sendInPieces(Arrays.copyOfRange(sent, cut, sent.length));
        } else {
            c.send(sent);
        }
        byte[] got = c.read(sent.length);
        s.expectSame(Wire.hex(sent), sent, got);
    }

    /** The server must end the stream (a FIN, or a reset) without sending anything more. */
    private static void expectEndAndNothing(Session s, Peer c, String after) throws IOException, Failed {
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        String end = "end of stream";
        try {
            for (int r; got.size() < 1 << 16 && (r = c.socket().getInputStream().read(buffer)) >= 0; ) {
                got.write(buffer, 0, r);
            }
        } catch (java.net.SocketTimeoutException e) {
            s.note("<- " + Wire.hex(got.toByteArray()) + ", then nothing");
            throw new Failed("stalled: " + after + ", the server kept the connection open for " + c.socket().getSoTimeout()
                    + " ms without answering or closing it" + (got.size() > 0 ? " (after sending " + Wire.hex(got.toByteArray()) + ")" : ""));
        } catch (java.net.SocketException e) {
            end = "a reset (" + e.getMessage() + ")";
        }
        s.note("<- " + Wire.hex(got.toByteArray()) + ", then " + end);
        s.expect(got.size() == 0, "no answer, then the end of the stream: " + after,
                got.size() + " bytes (" + Wire.hex(got.toByteArray()) + "), a frame that was never sent");
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
