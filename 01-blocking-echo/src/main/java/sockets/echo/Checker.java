package sockets.echo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.stream.Stream;
import sockets.cli.AcrossTheLink;
import sockets.cli.Programs;
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

    private Checker() {
    }

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
                            Descriptors.Found server = Descriptors.find(s.target().getPort());
                            long before = server.whyNot() == null ? Descriptors.count(server.pids()) : -1;
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
                                s.note("descriptors not counted: " + (server.whyNot() != null ? server.whyNot() : "the server's process could not be read"));
                                return;
                            }
                            long after = Descriptors.settle(server.pids(), before, STALL);
                            s.note("the server (" + server.what() + ") had " + before + " descriptors open before the " + CLIENTS
                                    + " clients, " + after + " after they had all closed");
                            s.expect(after - before <= CLIENTS / 2, "the server's open descriptors back to about " + before + " once its "
                                    + CLIENTS + " clients had closed (a few more are fine)", after + " open: " + (after - before) + " more,"
                                    + " about one for each client that came and went: the server keeps a descriptor for every connection it"
                                    + " has finished with");
                        }),
                new Stage("a client that shuts down its sending side gets its whole echo, then end of stream",
                        "a short echo here means the server closed when it read end of stream while it still owed echo, or threw away"
                                + " echo it could not send at once (a capped queue); end of stream from the client means it is done sending,"
                                + " not that it stopped listening (E-14, BUG-19), and a client that reads late is still owed every byte",
                        s -> {
                            // A client with a small receive buffer that reads nothing: it sends until the server's send
                            // buffer is full and the server keeps some echo itself, and, if the server reads on, on to the
                            // end of its data; only then its FIN (Owing.oweAll): at that moment the server owes more than
                            // its kernel can hold, megabytes more if it never stops reading.
                            Peer c = s.connect(PATIENCE, 8 * 1024);
                            byte[] message = new byte[(int) Math.min(64L << 20, 3 * Wire.sendBufferCeiling() + (4 << 20) + s.random().nextInt(4096))];
                            s.random().nextBytes(message);
                            Peer.Owed owed = Owing.oweAll(s, c, message, STALL);
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

    /**
     * Stage 4's count of a server's open descriptors. The server is found by its listening port:
     * {@code /proc/net/tcp} and {@code tcp6} give the listening socket's inode, and the processes
     * with {@code socket:[INODE]} among their {@code /proc/PID/fd} links hold it (a forked
     * server's parent; its children close their copy). That needs Linux, the same network
     * namespace and processes this user may read; elsewhere {@link #find} says why it cannot
     * count, and the stage does not fail. A server inside the checker's own process is not
     * counted: the checker's own sockets come and go in the same table.
     */
    static final class Descriptors {

        /** The processes that hold the listening socket, or why none can be counted. */
        record Found(List<Long> pids, String whyNot) {
            String what() {
                return "process" + (pids.size() == 1 ? " " : "es ") + pids;
            }
        }

        private Descriptors() {
        }

        static Found find(int port) {
            Set<String> inodes = listeningInodes(port);
            if (inodes == null) {
                return new Found(List.of(), "no /proc/net/tcp here (not Linux?)");
            }
            if (inodes.isEmpty()) {
                return new Found(List.of(), "no socket listening on port " + port
                        + " is visible on this machine (another host, or another network namespace)");
            }
            List<Long> pids = holders(inodes);
            if (pids.contains(ProcessHandle.current().pid())) {
                return new Found(List.of(), "the server runs inside the checker's own process, whose own sockets come and go too");
            }
            if (pids.isEmpty()) {
                return new Found(List.of(), "the process listening on port " + port + " belongs to another user");
            }
            return new Found(pids, null);
        }

        /** The descriptors open in {@code pids} together (a process that has ended counts none), or -1 if none could be read. */
        static long count(List<Long> pids) {
            long total = 0;
            boolean any = false;
            for (long pid : pids) {
                try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
                    total += fds.count();
                    any = true;
                } catch (IOException | RuntimeException gone) {
                    // ended, or not ours to read
                }
            }
            return any ? total : -1;
        }

        /**
         * The count once it is back within a few of {@code before} (a server closes a connection only
         * after it reads the client's end of stream), or the last count after {@code most}.
         */
        static long settle(List<Long> pids, long before, Duration most) {
            long deadline = System.nanoTime() + most.toNanos();
            long now = count(pids);
            while (now > before + 2 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(20_000_000L);
                now = count(pids);
            }
            return now;
        }

        /** Inodes of the sockets listening on {@code port} (any address, IPv4 or IPv6); null without /proc/net/tcp. */
        static Set<String> listeningInodes(int port) {
            Set<String> inodes = new HashSet<>();
            boolean readAny = false;
            for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                String text;
                try (InputStream in = Files.newInputStream(Path.of(file))) {
                    text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
                    readAny = true;
                } catch (IOException | RuntimeException e) {
                    continue;
                }
                inodes.addAll(listening(text, port));
            }
            return readAny ? inodes : null;
        }

        /** The inodes of the sockets in state LISTEN on {@code port} in one {@code /proc/net/tcp} table. */
        static Set<String> listening(String table, int port) {
            Set<String> inodes = new HashSet<>();
            for (String line : table.split("\n")) {
                String[] f = line.strip().split("\\s+");
                if (f.length < 10 || !f[0].endsWith(":")) {
                    continue; // the heading
                }
                try {
                    int local = Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16);
                    if (local == port && Integer.parseInt(f[3], 16) == 0x0A) { // 0A: LISTEN
                        inodes.add(f[9]);
                    }
                } catch (RuntimeException malformed) {
                    // not a socket line
                }
            }
            return inodes;
        }

        /** The processes that have one of {@code inodes} open; bounded: at most 100,000 descriptors looked at. */
        static List<Long> holders(Set<String> inodes) {
            Set<String> links = new HashSet<>();
            for (String inode : inodes) {
                links.add("socket:[" + inode + "]");
            }
            List<Long> pids = new ArrayList<>();
            int looked = 0;
            try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"),
                    p -> p.getFileName().toString().matches("[0-9]+"))) {
                for (Path process : processes) {
                    try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
                        for (Path fd : fds) {
                            if (++looked > 100_000) {
                                return pids;
                            }
                            if (links.contains(Files.readSymbolicLink(fd).toString())) {
                                pids.add(Long.parseLong(process.getFileName().toString()));
                                break;
                            }
                        }
                    } catch (IOException | RuntimeException notOurs) {
                        // another user's process, or one that just ended
                    }
                }
            } catch (IOException | RuntimeException e) {
                return pids;
            }
            return pids;
        }
    }

    /**
     * Stage 5's client: {@link Peer#oweAtEnd}, carried on. That makes the server read the client's
     * end of stream while its send buffer is full and it keeps 32 KiB or more of echo itself; a
     * server that caps what it keeps (1 MiB, say) and drops the rest passes it. So when the server
     * has shown that it reads on with its send buffer full (it read two pieces whose echo the
     * kernel could not take), this client goes on sending, 32 KiB at a time, each read by the
     * server before the next, to the end of its data or until the server stops reading (a
     * high-water mark): such a server owes megabytes at the end of stream, however it keeps them.
     * A server that stops reading earlier (a blocking write, a small high-water mark) gets the end
     * of stream at that point, as with {@code oweAtEnd}. The queues come from {@code /proc/net/tcp}
     * as in {@code Wire}; where the server's socket is not visible, this is {@code oweAtEnd}.
     */
    static final class Owing {
        record End(int state, long tx, long rx) {
        }

        record Pair(End server, End client) {
            boolean whole() {
                return server != null && client != null;
            }

            /** The server has read every byte sent to it. */
            boolean read() {
                return server.rx() == 0 && client.tx() == 0;
            }

            /** Echo the kernel holds: the server's send queue and the client's receive queue. */
            long held() {
                return server.tx() + client.rx();
            }
        }

        private Owing() {
        }

        static Peer.Owed oweAll(Wire.Session s, Peer c, byte[] data, Duration stall) throws Exception {
            int serverPort = s.target().getPort();
            Socket socket = c.socket();
            int clientPort = socket.getLocalPort();
            Pair q = read(serverPort, clientPort);
            if (q == null || q.server() == null) {
                return c.oweAtEnd(data, stall);
            }
            OutputStream out = socket.getOutputStream();
            // First, as oweAtEnd: big pieces until the held echo stops growing by a whole piece, then read back.
            final int big = 256 * 1024;
            int sent = 0;
            long full = 0;
            while (sent + big <= data.length / 2) {
                out.write(data, sent, big);
                sent += big;
                q = await(serverPort, clientPort, Duration.ofMillis(200), Pair::read);
                if (q == null || !q.whole()) {
                    break;
                }
                boolean kept = q.read() && q.held() == full + big;
                full = q.held();
                if (!kept) {
                    break;
                }
            }
            s.note("c1 -> " + sent + " bytes without reading, the kernel held " + full + " bytes of echo" + (full == 0 ? "" : "; then c reads them back"));
            byte[] first = full == 0 ? new byte[0] : readBack(s, c, sent, false);
            if (full > 0 && first.length < sent) {
                return new Peer.Owed(Arrays.copyOf(data, sent), first);
            }
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            got.writeBytes(first);
            boolean stalled = false;
            for (int round = 1; ; round++) {
                // Then, from empty: all but 64 KiB of that at once, and 16 KiB at a time, each read by the server before
                // the next, until two pieces are read while the held echo does not grow (its send buffer is full).
                int start = sent;
                List<Long> held = new ArrayList<>();
                boolean fullAndReading = false;
                stalled = false;
                int prefill = (int) Math.max(0, Math.min(full - 64 * 1024, data.length - sent));
                while (sent < data.length) {
                    int n = sent == start && prefill > 0 ? prefill : Math.min(16 * 1024, data.length - sent);
                    out.write(data, sent, n);
                    sent += n;
                    q = await(serverPort, clientPort, stall, Pair::read);
                    if (q == null || !q.whole()) {
                        break;
                    }
                    if (!q.read()) {
                        stalled = true;
                        break;
                    }
                    held.add(q.held());
                    int k = held.size();
                    if (k >= 3 && held.get(k - 1).equals(held.get(k - 3))) {
                        fullAndReading = round == 1;
                        break;
                    }
                }
                long inKernel = q != null && q.whole() ? q.held() : 0;
                s.note("c1 -> " + (sent - start) + " more bytes without reading" + (stalled ? ": the server stopped reading them"
                        : ": the server read them all; its kernel holds " + inKernel + " bytes of echo, so it keeps "
                                + Math.max(0, sent - start - inKernel) + " itself"));
                if (!fullAndReading) {
                    break;
                }
                // The server reads on with its send buffer full: the rest, 256 KiB at a time, while it reads every piece.
                // Each is written by a thread of its own: if the server stops reading, the write blocks until this
                // client reads, and the piece counts as sent (it will be, as the client reads the echo back).
                int more = sent;
                Thread writer = null;
                while (sent < data.length) {
                    int at = sent;
                    int n = Math.min(256 * 1024, data.length - sent);
                    Thread piece = Thread.ofPlatform().daemon().start(() -> {
                        try {
                            out.write(data, at, n);
                        } catch (IOException ended) { // the read back says how
                        }
                    });
                    writer = piece;
                    sent += n;
                    q = await(serverPort, clientPort, stall, p -> !piece.isAlive() && p.read());
                    if (q == null || !q.whole() || writer.isAlive() || !q.read()) {
                        stalled = q != null && q.whole();
                        break;
                    }
                }
                s.note("c1 -> " + (sent - more) + " more" + (stalled ? ": the server stopped reading them (a high-water mark)"
                        : ", every byte read by the server, which keeps the echo its kernel cannot take: " + (sent - start - inKernel)
                                + " bytes or more"));
                if (!stalled) {
                    break;
                }
                // A server with a high-water mark stops reading instead of dropping: read back all it owes (no FIN yet,
                // so nothing can be lost), then once more from empty to a full send buffer, and the FIN while it reads.
                byte[] back = readBack(s, c, sent - got.size(), false);
                got.writeBytes(back);
                writer.join(Timeouts.millis(stall));
                if (got.size() < sent) {
                    return new Peer.Owed(Arrays.copyOf(data, sent), got.toByteArray());
                }
            }
            s.note("c1 -> FIN (shutdownOutput)");
            socket.shutdownOutput();
            if (!stalled) {
                await(serverPort, clientPort, stall, p -> Set.of(0x07, 0x08, 0x09, 0x0B).contains(p.server().state()) && p.server().rx() == 0);
            }
            got.writeBytes(readBack(s, c, sent - got.size(), true));
            return new Peer.Owed(Arrays.copyOf(data, sent), got.toByteArray());
        }

        /**
         * Reads {@code expected} bytes (and then end of stream, if {@code toEnd}) at most 64 KiB a
         * millisecond, as {@code oweAtEnd} does; what came before an early end of stream.
         */
        static byte[] readBack(Wire.Session s, Peer c, int expected, boolean toEnd) throws IOException, Wire.Failed {
            InputStream in = c.socket().getInputStream();
            byte[] got = new byte[expected];
            int at = 0;
            try {
                while (at < expected) {
                    int r = in.read(got, at, Math.min(64 * 1024, expected - at));
                    if (r < 0) {
                        break;
                    }
                    if ((at + r) / (64 * 1024) != at / (64 * 1024)) {
                        LockSupport.parkNanos(1_000_000);
                    }
                    at += r;
                }
                if (toEnd && at == expected && in.read() >= 0) {
                    s.note("c1 <- " + expected + " bytes, then more");
                    throw new Wire.Failed("expected: " + expected + " bytes, then end of stream\ngot:      more than " + expected + " bytes");
                }
            } catch (SocketTimeoutException e) {
                s.note("c1 <- " + Wire.hex(Arrays.copyOf(got, at)) + ", then nothing");
                throw new Wire.Failed("stalled: the client got " + at + " of " + expected + " bytes, then nothing for " + c.socket().getSoTimeout()
                        + " ms while the connection stayed open (the server stopped: blocked, waiting, or busy elsewhere)");
            } catch (SocketException e) {
                s.note("c1 <- " + Wire.hex(Arrays.copyOf(got, at)) + ", then " + e.getMessage());
                throw new Wire.Failed("lost: the client got " + at + " of " + expected + " bytes, then the connection was reset (" + e.getMessage() + ")");
            }
            byte[] read = Arrays.copyOf(got, at);
            s.note("c1 <- " + Wire.hex(read) + (toEnd || at < expected ? ", then end of stream" : ""));
            return read;
        }

        /** Both ends of the connection between {@code serverPort} and {@code clientPort}, or null if /proc cannot be read. */
        static Pair read(int serverPort, int clientPort) {
            End server = null;
            End client = null;
            for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                String text;
                try (InputStream in = Files.newInputStream(Path.of(file))) {
                    text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
                } catch (IOException | RuntimeException e) {
                    return null;
                }
                for (String line : text.split("\n")) {
                    String[] f = line.strip().split("\\s+");
                    if (f.length < 5 || !f[0].endsWith(":") || !f[4].contains(":")) {
                        continue; // the heading
                    }
                    try {
                        int local = Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16);
                        int remote = Integer.parseInt(f[2].substring(f[2].lastIndexOf(':') + 1), 16);
                        int state = Integer.parseInt(f[3], 16);
                        if (state == 0x06 || state == 0x0A) {
                            continue; // TIME_WAIT, LISTEN
                        }
                        String[] queues = f[4].split(":");
                        End end = new End(state, Long.parseLong(queues[0], 16), Long.parseLong(queues[1], 16));
                        if (local == serverPort && remote == clientPort) {
                            server = end;
                        } else if (local == clientPort && remote == serverPort) {
                            client = end;
                        }
                    } catch (RuntimeException e) {
                        // a line of another shape: not ours
                    }
                }
            }
            return new Pair(server, client);
        }

        /** Waits until {@code done}, or until nothing has changed for {@code stall}; the last reading (null or partial: a socket gone). */
        static Pair await(int serverPort, int clientPort, Duration stall, Predicate<Pair> done) {
            Pair last = null;
            long since = System.nanoTime();
            // Bounded: every reading that changes restarts the clock, and the queues change only as bytes move.
            for (int polls = 0; polls < 100_000; polls++) {
                Pair p = read(serverPort, clientPort);
                if (p == null || !p.whole() || done.test(p)) {
                    return p;
                }
                if (!p.equals(last)) {
                    last = p;
                    since = System.nanoTime();
                } else if (System.nanoTime() - since > stall.toNanos()) {
                    return p;
                }
                LockSupport.parkNanos(200_000);
            }
            return last;
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
