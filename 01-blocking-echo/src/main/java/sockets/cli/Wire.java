package sockets.cli;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The engine of every lesson's wire checker: stages that talk to a server at HOST:PORT, in any
 * language, over the wire only. Each stage gets a seeded {@link Random} (the seed is printed, so a
 * failure can be replayed) and a transcript of what was sent and received, shown in hex when a
 * stage fails. The same file, byte for byte, is in every lesson; the build checks it.
 *
 * <p>A failure's first line starts with its verdict: {@code stalled:} (the connection stayed open
 * but the server sent nothing more for the stage's patience), {@code lost:} (the connection ended,
 * by end of stream or reset, before everything owed came back), {@code refused:} (nothing accepts
 * connections), {@code backlog:} (the connection was never accepted: the listen queue is full),
 * {@code gone:} (the server stopped accepting connections during an earlier stage), or
 * {@code expected:} (an answer came, with the wrong value; byte answers name the first differing
 * byte). Between stages the checker connects once to see the server is still alive, and names the
 * stage after which it was not. {@code --repeat N} runs each stage N times with the same seed and
 * reports any stage whose verdict changed.
 */
public final class Wire {

    /** One named check; {@code why} is printed when it fails. */
    public record Stage(String name, String why, Body body) {
    }

    public interface Body {
        void run(Session session) throws Exception;
    }

    /** A stage's verdict: what went wrong, with the transcript; thrown by {@link Session#expect}. */
    public static final class Failed extends Exception {
        public Failed(String message) {
            super(message, null, false, false);
        }
    }

    private Wire() {
    }

    /** Runs {@code stage} against {@code target}; returns null if it passed, else what went wrong. */
    public static String check(Stage stage, InetSocketAddress target, long seed) {
        Session session = new Session(target, seed);
        String problem;
        try (session) {
            stage.body().run(session);
            return null;
        } catch (Failed e) {
            problem = e.getMessage();
        } catch (SocketTimeoutException e) {
            problem = "stalled: no answer in time (" + e.getMessage() + ")";
        } catch (ConnectException e) {
            problem = "refused: " + e.getMessage();
        } catch (SocketException e) {
            problem = "lost: the connection ended (" + e.getMessage() + ")";
        } catch (Exception e) {
            problem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        // A server that accepted this stage's connections and now refuses them has died of this stage.
        if (session.connected.get() && !alive(target)) {
            problem = GONE + "\n" + problem;
        }
        return problem + session.transcript() + "\nwhy:      " + stage.why();
    }

    /**
     * The verdict of a {@link #check} result: "pass", its verdict word ("lost:", "stalled:", ...), or
     * for anything else its first line with every number shown as {@code #}. The rest of the line is
     * detail that the kernel's timing decides, not the server: how many of 12 MB came back before a
     * close, and whether a close with unread data showed as end of stream, a reset or a broken pipe.
     */
    public static String verdict(String problem) {
        if (problem == null) {
            return "pass";
        }
        String first = problem.lines().findFirst().orElse("").strip();
        java.util.regex.Matcher word = java.util.regex.Pattern.compile("^(stalled|lost|refused|backlog|gone|expected):").matcher(first);
        return word.find() ? word.group() : first.replaceAll("[0-9]+", "#");
    }

    /** The first line of a stage that stopped the server it checked. */
    public static final String GONE = "gone: the server accepted this stage's first connection and now accepts none: this stage's traffic"
            + " stopped it (an exception that escaped, or a process that exited)";

    /** True if something accepts a TCP connection at {@code target} within 2 s (the probe closes it at once). */
    public static boolean alive(InetSocketAddress target) {
        try (Socket probe = new Socket()) {
            probe.connect(target, 2000);
            return true;
        } catch (SocketTimeoutException e) {
            return true; // a full listen queue: something is there, too busy to accept
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The most one connection's send buffer can hold on this machine: the largest of
     * {@code tcp_wmem}'s maximum and {@code wmem_max}, or 4 MiB where they cannot be read. A stage
     * about data the server still owes sends more than this plus the checker's own (shrunk) receive
     * buffer, so the debt cannot hide in the kernel's buffers.
     */
    public static long sendBufferCeiling() {
        long most = Math.max(procMax("/proc/sys/net/ipv4/tcp_wmem"), procMax("/proc/sys/net/core/wmem_max"));
        return most > 0 ? most : 4L << 20;
    }

    /** The most one connection's receive buffer can hold here ({@code tcp_rmem}, {@code rmem_max}), or 6 MiB. */
    public static long receiveBufferCeiling() {
        long most = Math.max(procMax("/proc/sys/net/ipv4/tcp_rmem"), procMax("/proc/sys/net/core/rmem_max"));
        return most > 0 ? most : 6L << 20;
    }

    private static long procMax(String file) {
        try {
            // Not Files.readString: it trusts the size /proc reports, and reads too little.
            String text;
            try (InputStream in = Files.newInputStream(Path.of(file))) {
                text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            }
            String[] words = text.strip().split("\\s+");
            return Long.parseLong(words[words.length - 1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Where {@code got} differs from {@code expected}, for a failure message: null if equal, else
     * the first differing byte with its offset and both values, or which one is shorter.
     */
    public static String difference(byte[] expected, byte[] got) {
        int at = Arrays.mismatch(expected, got);
        if (at < 0) {
            return null;
        }
        if (at >= got.length) {
            return got.length + " bytes, equal to the first " + got.length + " expected, then nothing more (" + (expected.length - got.length)
                    + " bytes missing)";
        }
        if (at >= expected.length) {
            return got.length + " bytes: the " + expected.length + " expected, then " + (got.length - expected.length) + " more, from "
                    + String.format("0x%02x", got[at] & 0xFF);
        }
        return got.length + " bytes, the first difference at byte " + at + ": expected " + String.format("0x%02x", expected[at] & 0xFF)
                + ", got " + String.format("0x%02x", got[at] & 0xFF) + " (bytes " + at + ".. got: " + hex(Arrays.copyOfRange(got, at,
                        Math.min(got.length, at + 16))) + ")";
    }

    /**
     * The checker program: {@code Checker HOST:PORT [--seed N] [--stage N] [--repeat N]}; exit 0 only
     * if every stage passes (every time, with {@code --repeat}).
     */
    public static int main(String program, String about, String[] args, List<Stage> stages, PrintStream out, PrintStream err) {
        String usage = "usage: " + program + " HOST:PORT [--seed N] [--stage N] [--repeat N]   (or --host HOST --port PORT)\n" + about
                + "\n--repeat N runs each stage N times with its seed and reports a stage whose verdict changes.";
        try {
            CommandLine line = new CommandLine(args, Set.of("seed", "stage", "host", "port", "repeat"), Set.of(), true);
            if (line.help()) {
                out.println(usage);
                return 0;
            }
            String given = line.words().size() == 1 ? line.words().getFirst()
                    : line.words().isEmpty() && line.string("port", null) != null
                            ? line.string("host", "127.0.0.1") + ":" + line.string("port", "") : null;
            if (given == null) {
                throw new CommandLine.UsageException("give the server as HOST:PORT, for example 127.0.0.1:5001");
            }
            InetSocketAddress target = parse(given);
            long seed = line.option("seed", System.nanoTime() % 100_000, Long::parseLong, s -> true, "a whole number");
            int only = line.number("stage", 0, 0, stages.size());
            int repeat = line.number("repeat", 1, 1, 1000);
            out.println("checking " + Programs.hostPort(target) + ", seed " + seed + (repeat > 1 ? ", each stage " + repeat + " times" : ""));
            // Only a server that accepts TCP connections now is probed between stages (not a UDP one).
            boolean probe = alive(target);
            int failed = 0;
            int goneAfter = 0;
            for (int i = 0; i < stages.size(); i++) {
                if (only != 0 && only != i + 1) {
                    continue;
                }
                if (goneAfter > 0) {
                    failed++;
                    out.printf("  [FAIL] %d. %s (not run)%n      gone: the server stopped accepting connections during stage %d%n", i + 1,
                            stages.get(i).name(), goneAfter);
                    continue;
                }
                long stageSeed = seed + i;
                long start = System.nanoTime();
                String problem = check(stages.get(i), target, stageSeed);
                Map<String, Integer> verdicts = new LinkedHashMap<>();
                verdicts.merge(verdict(problem), 1, Integer::sum);
                for (int r = 1; r < repeat; r++) {
                    String again = check(stages.get(i), target, stageSeed);
                    verdicts.merge(verdict(again), 1, Integer::sum);
                    problem = problem == null ? again : problem;
                }
                long ms = (System.nanoTime() - start) / 1_000_000;
                boolean steady = verdicts.size() == 1;
                out.printf("  [%s] %d. %s (%d ms, seed %d%s)%n", !steady ? "FLAKY" : problem == null ? "pass" : "FAIL", i + 1, stages.get(i).name(), ms,
                        stageSeed, repeat > 1 ? ", " + repeat + " runs" : "");
                if (!steady) {
                    verdicts.forEach((v, n) -> out.println("      " + n + "/" + repeat + ": " + v));
                }
                if (problem != null || !steady) {
                    failed++;
                    if (problem != null) {
                        out.println("      " + problem.replace("\n", "\n      "));
                    }
                    out.println("      rerun: " + program + " " + given + " --seed " + seed + " --stage " + (i + 1));
                }
                if (probe && !alive(target)) {
                    goneAfter = i + 1;
                    out.println("      gone: after this stage the server no longer accepts connections: this stage's traffic stopped it"
                            + " (look for an exception that escaped, or a process that exited)");
                }
            }
            out.println(failed == 0 ? "every stage passed" : failed + " stage" + (failed == 1 ? "" : "s") + " failed");
            return failed == 0 ? 0 : Programs.EXIT_FAILURE;
        } catch (CommandLine.UsageException e) {
            return Programs.usageError(program, e, usage, err);
        } catch (UnknownHostException e) {
            err.println(program + ": unknown host " + e.getMessage());
            return Programs.EXIT_USAGE;
        }
    }

    static InetSocketAddress parse(String hostPort) throws CommandLine.UsageException, UnknownHostException {
        int colon = hostPort.lastIndexOf(':');
        String host = colon > 0 ? hostPort.substring(0, colon).replaceAll("^\\[|\\]$", "") : "";
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (host.isEmpty() || port < 1 || port > 65535) {
            throw new CommandLine.UsageException("'" + hostPort + "' is not HOST:PORT, for example 127.0.0.1:5001");
        }
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }

    /** What one stage has: the target, its random numbers, its connections and what went over them. */
    public static final class Session implements Closeable {
        private final InetSocketAddress target;
        private final Random random;
        private final long seed;
        // A stage may use its session from several threads (many clients at once).
        private final List<String> transcript = Collections.synchronizedList(new ArrayList<>());
        private final List<Closeable> open = Collections.synchronizedList(new ArrayList<>());
        private final AtomicInteger peers = new AtomicInteger();
        private final java.util.concurrent.atomic.AtomicBoolean connected = new java.util.concurrent.atomic.AtomicBoolean();

        Session(InetSocketAddress target, long seed) {
            this.target = target;
            this.seed = seed;
            this.random = new Random(seed);
        }

        public Random random() {
            return random;
        }

        public InetSocketAddress target() {
            return target;
        }

        /** A TCP connection to the server; reads give up after {@code patience}. */
        public Peer connect(Duration patience) throws IOException, Failed {
            return connect(patience, 0);
        }

        /** The same, with a receive buffer of {@code receiveBuffer} bytes (0: the default), set before connecting. */
        public Peer connect(Duration patience, int receiveBuffer) throws IOException, Failed {
            Socket socket = new Socket();
            open.add(socket);
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            int ms = Timeouts.millis(patience);
            socket.setSoTimeout(ms);
            String name = "c" + peers.incrementAndGet();
            try {
                socket.connect(target, ms);
            } catch (ConnectException e) {
                note(name + " -> connect: refused");
                throw new Failed("refused: " + name + " could not connect (" + e.getMessage() + "): nothing accepts connections at "
                        + Programs.hostPort(target));
            } catch (SocketTimeoutException e) {
                note(name + " -> connect: not accepted within " + ms + " ms");
                throw new Failed("backlog: " + name + "'s connection was not accepted within " + ms + " ms: the server's listen queue is"
                        + " full (a tiny listen backlog, or accept() is not called while it serves others)");
            }
            connected.set(true);
            note(name + " connected from port " + socket.getLocalPort());
            return new Peer(this, socket, name);
        }

        /** A UDP socket that sends to the server; receives give up after {@code patience}. */
        public DatagramSocket datagrams(Duration patience) throws IOException {
            DatagramSocket socket = new DatagramSocket(new InetSocketAddress(target.getAddress().isLoopbackAddress()
                    ? target.getAddress() : InetAddress.getByName("0.0.0.0"), 0));
            open.add(socket);
            socket.setSoTimeout(Timeouts.millis(patience));
            return socket;
        }

        public void sendDatagram(DatagramSocket socket, byte[] data) throws IOException {
            note("-> " + Wire.hex(data));
            socket.send(new DatagramPacket(data, data.length, target));
        }

        /**
         * The next datagram from the server; a datagram from any other address is noted and skipped.
         * Nothing from the server in time is a {@link SocketTimeoutException}, or, if something came
         * from elsewhere, a failure that names that address (an answer from the wrong port is not "no answer").
         */
        public byte[] receiveDatagram(DatagramSocket socket) throws IOException, Failed {
            byte[] buffer = new byte[65_536];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            SocketAddress stray = null;
            while (true) {
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    if (stray != null) {
                        throw new Failed("expected: an answer from " + Programs.hostPort(target) + "\ngot:      answers from " + stray
                                + " instead: a reply must come from the address the request was sent to");
                    }
                    throw e;
                }
                if (packet.getSocketAddress().equals(target)) {
                    break;
                }
                stray = packet.getSocketAddress();
                note("<- from " + stray + ", not the server's address: " + Wire.hex(Arrays.copyOf(buffer, packet.getLength())));
            }
            byte[] data = Arrays.copyOf(buffer, packet.getLength());
            note("<- " + Wire.hex(data));
            return data;
        }

        /** Fails the stage with {@code expected} and {@code got} unless {@code ok}. */
        public void expect(boolean ok, String expected, String got) throws Failed {
            if (!ok) {
                throw new Failed("expected: " + expected + "\ngot:      " + got);
            }
        }

        /** Fails the stage unless {@code got} equals {@code expected}, naming the first differing byte. */
        public void expectSame(String what, byte[] expected, byte[] got) throws Failed {
            String difference = difference(expected, got);
            if (difference != null && got.length < expected.length && Arrays.mismatch(expected, got) == got.length) {
                throw new Failed("lost: only " + got.length + " of the " + expected.length + " bytes owed came back (equal so far), then the"
                        + " stream ended\nexpected: " + what + " (" + expected.length + " bytes)");
            }
            if (difference != null) {
                throw new Failed("expected: " + what + " (" + expected.length + " bytes)\ngot:      " + difference);
            }
        }

        public void note(String line) {
            transcript.add(line);
        }

        String transcript() {
            if (transcript.isEmpty()) {
                return "";
            }
            List<String> lines = List.copyOf(transcript);
            int from = Math.max(0, lines.size() - 12);
            return "\ntranscript (seed " + seed + (from > 0 ? ", last 12 lines" : "") + "):\n  "
                    + String.join("\n  ", lines.subList(from, lines.size()));
        }

        @Override
        public void close() {
            for (Closeable c : List.copyOf(open)) {
                try {
                    c.close();
                } catch (IOException ignored) { // the stage is over
                }
            }
        }
    }

    /** One TCP client of a stage. */
    public static final class Peer {
        private final Session session;
        private final Socket socket;
        private final String name;
        private final InputStream in;
        private final OutputStream out;

        Peer(Session session, Socket socket, String name) throws IOException {
            this.session = session;
            this.socket = socket;
            this.name = name;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        public Socket socket() {
            return socket;
        }

        /** Sends {@code data} in one write. */
        public void send(byte[] data) throws IOException {
            session.note(name + " -> " + hex(data));
            out.write(data);
        }

        /**
         * Sends {@code writes} as a program on a network would see them arrive. Across the link: each
         * in one write, back to back; the link alone splits them into segments and spaces them (no
         * pacing here). Over loopback, where one write arrives whole: each in {@link #SEGMENT}-byte
         * pieces at 10 Mbit/s (1.16 ms apart), and a write one round trip (50 ms) after the one
         * before, as TCP's Nagle rule holds a small write until the last one is acknowledged.
         */
        public void sendOverANetwork(byte[]... writes) throws IOException, Failed {
            boolean link = acrossALink(session.target());
            if (!link) {
                socket.setTcpNoDelay(true); // each paced piece leaves at once
            }
            List<Integer> sizes = new ArrayList<>();
            for (byte[] data : writes) {
                sizes.add(data.length);
            }
            String how = sizes.size() + (sizes.size() == 1 ? " write of " : " writes of ") + sizes + " bytes"
                    + (link ? ", each whole: the link splits them" : " in 1,448-byte pieces 1.16 ms apart (loopback, paced like a link)");
            long sent = 0;
            try {
                for (int w = 0; w < writes.length; w++) {
                    byte[] data = writes[w];
                    if (link) {
                        out.write(data);
                        sent += data.length;
                        continue;
                    }
                    if (w > 0) {
                        LockSupport.parkNanos(ROUND_TRIP_NANOS);
                    }
                    for (int at = 0; at < data.length; at += SEGMENT) {
                        if (at > 0) {
                            LockSupport.parkNanos(SEGMENT_NANOS);
                        }
                        int n = Math.min(SEGMENT, data.length - at);
                        out.write(data, at, n);
                        out.flush();
                        sent += n;
                    }
                }
            } catch (SocketException e) {
                session.note(name + " -> " + how + ": failed after " + sent + " bytes (" + e.getMessage() + ")");
                throw new Failed("lost: " + name + " could send only " + sent + " of " + sizes.stream().mapToLong(Integer::longValue).sum()
                        + " bytes: the server ended the connection in the middle of the message (" + e.getMessage() + ")");
            }
            session.note(name + " -> " + how);
        }

        /** Sends {@code data} in random pieces down to single bytes, with short pauses so they arrive apart. */
        public void sendInPieces(byte[] data) throws IOException {
            List<Integer> sizes = new ArrayList<>();
            for (int at = 0; at < data.length; ) {
                int size = Math.min(data.length - at, 1 + session.random.nextInt(Math.max(1, Math.min(8, data.length / 2))));
                out.write(data, at, size);
                out.flush();
                sizes.add(size);
                at += size;
                if (!serverHasRead()) {
                    LockSupport.parkNanos(3_000_000); // not visible here: a pause, so pieces usually arrive apart
                }
            }
            session.note(name + " -> " + hex(data) + " in pieces of " + sizes + " bytes");
        }

        /**
         * Waits until the server has read everything this client sent (its socket's receive queue
         * in /proc/net/tcp is empty), so the next piece arrives as a read of its own however busy
         * the machine is. False where that cannot be seen (another host or network namespace, or
         * not Linux) or the server has not read within 100 ms (not accepted yet, or busy elsewhere).
         */
        private boolean serverHasRead() {
            long deadline = System.nanoTime() + 100_000_000L;
            do {
                Queues.Pair q = Queues.read(session.target.getPort(), socket.getLocalPort());
                if (q == null || q.server() == null) {
                    return false;
                }
                if (q.server().rx() == 0 && (q.client() == null || q.client().tx() == 0)) {
                    return true;
                }
                LockSupport.parkNanos(200_000);
            } while (System.nanoTime() < deadline);
            return false;
        }

        /**
         * Reads exactly {@code n} bytes; fails the stage as "lost" if the connection ends first, as
         * "stalled" if nothing more comes within the read timeout while it stays open.
         */
        public byte[] read(int n) throws IOException, Failed {
            byte[] got = new byte[n];
            int at = 0;
            try {
                while (at < n) {
                    int r = in.read(got, at, n - at);
                    if (r < 0) {
                        break;
                    }
                    at += r;
                }
            } catch (SocketTimeoutException e) {
                session.note(name + " <- " + hex(Arrays.copyOf(got, at)) + ", then nothing");
                throw new Failed("stalled: " + name + " got " + at + " of " + n + " bytes, then nothing for " + socket.getSoTimeout()
                        + " ms while the connection stayed open (the server stopped: blocked, waiting, or busy elsewhere)");
            } catch (SocketException e) {
                session.note(name + " <- " + hex(Arrays.copyOf(got, at)) + ", then " + e.getMessage());
                throw new Failed("lost: " + name + " got " + at + " of " + n + " bytes, then the connection was reset (" + e.getMessage() + ")");
            }
            byte[] read = Arrays.copyOf(got, at);
            session.note(name + " <- " + hex(read) + (at < n ? ", then end of stream" : ""));
            if (at < n) {
                throw new Failed("lost: " + name + " got " + at + " of " + n + " bytes, then the server closed the connection");
            }
            return got;
        }

        /**
         * Reads until the server closes its side, at most {@code max} bytes; "stalled" if nothing
         * comes for the read timeout while the connection is open, "lost" on a reset.
         */
        public byte[] readToEnd(int max) throws IOException, Failed {
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            byte[] buffer = new byte[64 * 1024];
            try {
                for (int r; got.size() <= max && (r = in.read(buffer, 0, Math.min(buffer.length, max + 1 - got.size()))) >= 0; ) {
                    got.write(buffer, 0, r);
                }
            } catch (SocketTimeoutException e) {
                session.note(name + " <- " + hex(got.toByteArray()) + ", then nothing");
                throw new Failed("stalled: " + name + " got " + got.size() + " bytes, then nothing for " + socket.getSoTimeout()
                        + " ms: neither more bytes nor end of stream while the connection stayed open");
            } catch (SocketException e) {
                session.note(name + " <- " + hex(got.toByteArray()) + ", then " + e.getMessage());
                throw new Failed("lost: " + name + " got " + got.size() + " bytes, then the connection was reset (" + e.getMessage() + ")");
            }
            byte[] bytes = got.toByteArray();
            session.note(name + " <- " + hex(bytes) + (bytes.length <= max ? ", then end of stream" : ""));
            session.expect(bytes.length <= max, "the server to close after at most " + max + " bytes", "more");
            return bytes;
        }

        /**
         * Sends {@code data} and collects what comes back, so that the server ends up owing as much
         * as it can: the client reads nothing while the server keeps taking bytes, and starts reading
         * only when its writes have made no progress for {@code stall} (the server stopped reading:
         * back-pressure, or a blocking server whose own writes are full), and then slowly, so a
         * server that queues echo keeps a queue. With {@code halfClose} the client shuts down its
         * sending side after the last byte and reads to end of stream; without, it reads
         * {@code expected} bytes. A server that takes every byte without echoing, then sees the end
         * of stream, owes nearly all of it at that moment.
         */
        public byte[] owe(byte[] data, int expected, boolean halfClose, Duration stall) throws IOException, Failed, InterruptedException {
            AtomicLong sent = new AtomicLong();
            java.util.concurrent.atomic.AtomicReference<IOException> failure = new java.util.concurrent.atomic.AtomicReference<>();
            // A platform thread: its progress is what tells a stalled server, so it must not wait for a carrier.
            Thread writer = Thread.ofPlatform().daemon().start(() -> {
                try {
                    for (int at = 0; at < data.length; at += 8192) {
                        out.write(data, at, Math.min(8192, data.length - at));
                        sent.set(Math.min(data.length, at + 8192));
                    }
                    if (halfClose) {
                        socket.shutdownOutput();
                    }
                } catch (IOException e) {
                    failure.set(e);
                }
            });
            long before;
            do {
                before = sent.get();
                writer.join(Timeouts.millis(stall));
            } while (writer.isAlive() && sent.get() != before);
            if (Boolean.getBoolean("wire.debug")) {
                System.err.println("owe: " + name + " writer alive=" + writer.isAlive() + " sent=" + sent.get() + " of " + data.length);
            }
            session.note(name + " -> " + hex(data) + (writer.isAlive() ? ": the server stopped taking bytes after " + sent.get()
                    + ", so " + name + " starts reading" : ": all taken without " + name + " reading anything"
                    + (halfClose ? ", then FIN (shutdownOutput)" : "")));
            byte[] got = readSlowly(expected, halfClose);
            writer.join(Timeouts.millis(stall) + 10_000L);
            if (failure.get() != null && got.length < expected) {
                throw new Failed("lost: " + name + " could send only " + sent.get() + " of " + data.length + " bytes (" + failure.get().getMessage() + ")");
            }
            return got;
        }

        /** What {@link #oweAtEnd} sent (its first bytes of the data) and what came back before end of stream. */
        public record Owed(byte[] sent, byte[] got) {
        }

        /**
         * Makes the server read this client's end of stream while it still owes echo that its
         * kernel send buffer cannot take, then reads to end of stream. When the server's socket is
         * visible on this machine ({@code /proc/net/tcp}: same host, same network namespace), this
         * does not depend on timing. The client reads nothing while it sends; it first learns, with
         * big pieces that it then reads back, how much echo the kernel holds (the server's send
         * queue plus this client's receive queue) when the server's send buffer is full; then it
         * sends all but 64 KiB of that, and 16 KiB at a time after it, each read by the server
         * before the next, until the held echo has not grown while the server read two more
         * pieces: the server's send buffer is full and it keeps the newest 32 KiB or more itself.
         * Then the client sends its FIN, waits until the server has read it, and only then reads.
         * A server that closes on end of stream with echo queued loses those bytes every run, if it
         * keeps reading until it owes 64 KiB or more. A server that stops reading earlier (a
         * blocking write, a small high-water mark) gets the FIN at that point. Where the socket is
         * not visible, this falls back to {@link #owe} with a half-close, whose verdict on such a
         * server can vary between runs.
         */
        public Owed oweAtEnd(byte[] data, Duration stall) throws IOException, Failed, InterruptedException {
            int serverPort = session.target.getPort();
            int clientPort = socket.getLocalPort();
            Queues.Pair q = Queues.read(serverPort, clientPort);
            if (q == null || q.server() == null) {
                session.note(name + ": the server's socket is not visible in /proc/net/tcp here (another machine or network namespace):"
                        + " sending everything while reading slowly instead");
                return new Owed(data, owe(data, data.length, true, stall));
            }
            // First, to learn how much echo the kernel holds when the server's send buffer is full (then read
            // all of it back: no FIN yet, so nothing can be lost).
            long[] learned = learnHeld(data, serverPort, clientPort);
            int sent = (int) learned[0];
            long full = learned[1];
            // A server that answers nothing before end of stream (a whole request, then its answer) is not read
            // back: its answer comes at the end, with the rest.
            byte[] first = full == 0 ? new byte[0] : readSlowly(sent, false);
            if (full > 0 && first.length < sent) {
                return new Owed(Arrays.copyOf(data, sent), first);
            }
            session.note(name + " -> " + sent + " bytes without reading, the kernel held " + full + " bytes of echo"
                    + (full == 0 ? "" : "; " + name + " read them all back"));
            // Then, from empty: all but 64 KiB of that at once, and 16 KiB at a time after it, each read by
            // the server before the next, until two pieces are read while the held echo does not grow.
            final int piece = 16 * 1024;
            int start = sent;
            List<Long> held = new ArrayList<>(); // the echo the kernel holds, after each piece was read
            boolean stalled = false;
            int prefill = (int) Math.max(0, Math.min(full - 64 * 1024, data.length - sent));
            while (sent < data.length) {
                int n = sent == start && prefill > 0 ? prefill : Math.min(piece, data.length - sent);
                out.write(data, sent, n);
                sent += n;
                q = Queues.awaitRead(serverPort, clientPort, stall);
                if (q == null || q.server() == null || q.client() == null) {
                    break; // the connection is gone: the read below says how
                }
                if (q.server().rx() > 0 || q.client().tx() > 0) {
                    stalled = true; // the server stopped reading before its send buffer filled
                    break;
                }
                held.add(q.server().tx() + q.client().rx());
                int k = held.size();
                if (k >= 3 && held.get(k - 1).equals(held.get(k - 3))) {
                    break; // two pieces read, none of their echo in the kernel: the send buffer is full
                }
            }
            long inKernel = held.isEmpty() ? 0 : held.getLast();
            session.note(name + " -> " + (sent - start) + " more bytes without reading" + (stalled ? ": the server stopped reading them"
                    : ": the server read them all; its kernel holds " + inKernel + " bytes of echo, so it keeps " + (sent - start - inKernel)
                            + " itself") + "; then FIN (shutdownOutput)");
            socket.shutdownOutput();
            if (!stalled) {
                Queues.awaitEnd(serverPort, clientPort, stall);
            }
            byte[] second = readSlowly(sent - first.length, true);
            byte[] got = Arrays.copyOf(first, first.length + second.length);
            System.arraycopy(second, 0, got, first.length, second.length);
            return new Owed(Arrays.copyOf(data, sent), got);
        }

        /**
         * {@link #oweAtEnd}, carried on (lesson 01's stage 5). That makes the server read the client's
         * end of stream while its send buffer is full and it keeps 32 KiB or more of echo itself; a
         * server that caps what it keeps (1 MiB, say) and drops the rest passes it. So when the server
         * has shown that it reads on with its send buffer full (it read two pieces whose echo the
         * kernel could not take), this client goes on sending, 32 KiB at a time, each read by the
         * server before the next, to the end of its data or until the server stops reading (a
         * high-water mark): such a server owes megabytes at the end of stream, however it keeps them.
         * A server that stops reading earlier (a blocking write, a small high-water mark) gets the end
         * of stream at that point, as with {@code oweAtEnd}. Where the server's socket is not visible,
         * this is {@code oweAtEnd}.
         */
        public Owed oweAll(byte[] data, Duration stall) throws IOException, Failed, InterruptedException {
            int serverPort = session.target.getPort();
            int clientPort = socket.getLocalPort();
            Queues.Pair q = Queues.read(serverPort, clientPort);
            if (q == null || q.server() == null) {
                return oweAtEnd(data, stall);
            }
            // First, as oweAtEnd: big pieces until the held echo stops growing by a whole piece, then read back.
            long[] learned = learnHeld(data, serverPort, clientPort);
            int sent = (int) learned[0];
            long full = learned[1];
            session.note(name + " -> " + sent + " bytes without reading, the kernel held " + full + " bytes of echo"
                    + (full == 0 ? "" : "; then " + name + " reads them back"));
            byte[] first = full == 0 ? new byte[0] : readSlowly(sent, false);
            if (full > 0 && first.length < sent) {
                return new Owed(Arrays.copyOf(data, sent), first);
            }
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
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
                    q = Queues.awaitRead(serverPort, clientPort, stall);
                    if (q == null || !q.whole()) {
                        break;
                    }
                    if (!q.readAll()) {
                        stalled = true;
                        break;
                    }
                    held.add(q.echoHeld());
                    int k = held.size();
                    if (k >= 3 && held.get(k - 1).equals(held.get(k - 3))) {
                        fullAndReading = round == 1;
                        break;
                    }
                }
                long inKernel = q != null && q.whole() ? q.echoHeld() : 0;
                session.note(name + " -> " + (sent - start) + " more bytes without reading" + (stalled ? ": the server stopped reading them"
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
                    q = Queues.await(serverPort, clientPort, stall, p -> !piece.isAlive() && p.readAll());
                    if (q == null || !q.whole() || writer.isAlive() || !q.readAll()) {
                        stalled = q != null && q.whole();
                        break;
                    }
                }
                session.note(name + " -> " + (sent - more) + " more" + (stalled ? ": the server stopped reading them (a high-water mark)"
                        : ", every byte read by the server, which keeps the echo its kernel cannot take: " + (sent - start - inKernel)
                                + " bytes or more"));
                if (!stalled) {
                    break;
                }
                // A server with a high-water mark stops reading instead of dropping: read back all it owes (no FIN yet,
                // so nothing can be lost), then once more from empty to a full send buffer, and the FIN while it reads.
                byte[] back = readSlowly(sent - got.size(), false);
                got.writeBytes(back);
                writer.join(Timeouts.millis(stall));
                if (got.size() < sent) {
                    return new Owed(Arrays.copyOf(data, sent), got.toByteArray());
                }
            }
            session.note(name + " -> FIN (shutdownOutput)");
            socket.shutdownOutput();
            if (!stalled) {
                Queues.awaitEnd(serverPort, clientPort, stall);
            }
            got.writeBytes(readSlowly(sent - got.size(), true));
            return new Owed(Arrays.copyOf(data, sent), got.toByteArray());
        }

        /**
         * Sends big pieces of {@code data}, without reading, until the echo the kernel holds stops
         * growing by a whole piece: the server's send buffer is full. Returns {bytes sent, echo the
         * kernel held}. A reading taken too early only makes what follows slower.
         */
        private long[] learnHeld(byte[] data, int serverPort, int clientPort) throws IOException {
            final int big = 256 * 1024;
            int sent = 0;
            long full = 0;
            while (sent + big <= data.length / 2) {
                out.write(data, sent, big);
                sent += big;
                Queues.Pair q = Queues.awaitRead(serverPort, clientPort, Duration.ofMillis(200));
                if (q == null || !q.whole()) {
                    break;
                }
                boolean kept = q.readAll() && q.echoHeld() == full + big;
                full = q.echoHeld();
                if (!kept) {
                    break;
                }
            }
            return new long[] {sent, full};
        }

        /** True if the server closed (or reset) the connection within the read timeout. */
        public boolean closedByServer() throws IOException {
            try {
                int b = in.read();
                session.note(name + (b == -1 ? " <- end of stream" : " <- one more byte"));
                return b == -1;
            } catch (SocketTimeoutException e) {
                session.note(name + " <- nothing (read timed out)");
                return false;
            } catch (IOException e) {
                session.note(name + " <- " + e.getMessage());
                return true;
            }
        }

        /**
         * Reads {@code expected} bytes (and then end of stream, if {@code toEnd}) at most 64 KiB a
         * millisecond: a slow reader, so that a server that queues echo still has a queue when the
         * client's end of stream reaches it.
         */
        byte[] readSlowly(int expected, boolean toEnd) throws IOException, Failed {
            byte[] got = new byte[expected];
            int at = 0;
            try {
                while (true) {
                    int r = at < expected ? in.read(got, at, Math.min(64 * 1024, expected - at)) : toEnd ? in.read() : -1;
                    if (r < 0 || at >= expected) {
                        if (at >= expected && r >= 0) {
                            session.note(name + " <- " + expected + " bytes, then more");
                            throw new Failed("expected: " + expected + " bytes, then end of stream\ngot:      more than " + expected + " bytes");
                        }
                        break;
                    }
                    int before = at;
                    at += r;
                    if (at / (64 * 1024) != before / (64 * 1024)) {
                        LockSupport.parkNanos(1_000_000);
                    }
                }
            } catch (SocketTimeoutException e) {
                session.note(name + " <- " + hex(Arrays.copyOf(got, at)) + ", then nothing");
                throw new Failed("stalled: " + name + " got " + at + " of " + expected + " bytes, then nothing for " + socket.getSoTimeout()
                        + " ms while the connection stayed open (the server stopped: blocked, waiting, or busy elsewhere)");
            } catch (SocketException e) {
                session.note(name + " <- " + hex(Arrays.copyOf(got, at)) + ", then " + e.getMessage());
                throw new Failed("lost: " + name + " got " + at + " of " + expected + " bytes, then the connection was reset (" + e.getMessage() + ")");
            }
            byte[] read = Arrays.copyOf(got, at);
            session.note(name + " <- " + hex(read) + ", then end of stream");
            return read;
        }

        public void shutdownOutput() throws IOException {
            session.note(name + " -> FIN (shutdownOutput)");
            socket.shutdownOutput();
        }

        /** Closes with SO_LINGER 0, so the server sees a reset, not a FIN. */
        public void reset() throws IOException {
            session.note(name + " -> RST (close with SO_LINGER 0)");
            socket.setSoLinger(true, 0);
            socket.close();
        }
    }

    /**
     * The queues of one loopback connection as the kernel shows them in {@code /proc/net/tcp} and
     * {@code /proc/net/tcp6}: bytes not yet read ({@code rx}) and bytes not yet acknowledged or
     * sent ({@code tx}), for the server's end and the client's. They tell, without timing, whether
     * the server has read what a client sent, and how much echo waits in the kernel: what a server
     * holds beyond that, it keeps itself. Only sockets of this machine and network namespace are there.
     */
    public static final class Queues {
        public record End(int state, long tx, long rx) {
        }

        /** Both ends; an end is null when its socket is not there (closed, or not on this machine). */
        public record Pair(End server, End client) {
            /** Both ends are there. */
            public boolean whole() {
                return server != null && client != null;
            }

            /** The server has read everything the client sent: nothing waits at either end on its way to the server. */
            public boolean readAll() {
                return server.rx() == 0 && client.tx() == 0;
            }

            /** Echo in the kernel: the server's send queue and the client's receive queue. */
            public long echoHeld() {
                return server.tx() + client.rx();
            }

            /** Every queue at both ends: the bytes in flight between the two programs. */
            public long total() {
                return server.tx() + server.rx() + client.tx() + client.rx();
            }
        }

        private static final int TIME_WAIT = 0x06;
        private static final int LISTEN = 0x0A;
        /** CLOSE_WAIT, LAST_ACK, CLOSING, CLOSE: the client's FIN has reached the server's end. */
        private static final Set<Integer> FIN_ARRIVED = Set.of(0x07, 0x08, 0x09, 0x0B);

        private Queues() {
        }

        /** Both ends of the connection between {@code serverPort} and {@code clientPort}, or null if /proc cannot be read. */
        public static Pair read(int serverPort, int clientPort) {
            End server = null;
            End client = null;
            // Every line of this connection, at either end, names the client's port: the others (thousands, on a busy machine) are skipped unsplit.
            String clientHex = String.format(":%04X ", clientPort);
            for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                String text;
                // Not Files.readString: it trusts the size /proc reports, and reads too little.
                try (InputStream in = Files.newInputStream(Path.of(file))) {
                    text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
                } catch (IOException | RuntimeException e) {
                    return null;
                }
                for (String line : text.split("\n")) {
                    if (!line.contains(clientHex)) {
                        continue;
                    }
                    String[] f = line.strip().split("\\s+");
                    if (f.length < 5 || !f[0].endsWith(":") || !f[4].contains(":")) {
                        continue; // the heading
                    }
                    try {
                        int local = Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16);
                        int remote = Integer.parseInt(f[2].substring(f[2].lastIndexOf(':') + 1), 16);
                        int state = Integer.parseInt(f[3], 16);
                        if (state == TIME_WAIT || state == LISTEN) {
                            continue;
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

        /**
         * Waits until the server has read everything sent so far (nothing queued at either end
         * towards it), or until nothing has changed for {@code stall}; returns the last reading.
         */
        public static Pair awaitRead(int serverPort, int clientPort, Duration stall) {
            return await(serverPort, clientPort, stall, Pair::readAll);
        }

        /** Waits until the server has read the client's FIN (or closed), or nothing has changed for {@code stall}. */
        public static Pair awaitEnd(int serverPort, int clientPort, Duration stall) {
            // rx 0: the server has read the FIN too
            return await(serverPort, clientPort, stall, p -> FIN_ARRIVED.contains(p.server().state()) && p.server().rx() == 0);
        }

        /**
         * Waits until {@code done} holds, or nothing has changed for {@code stall}; the last reading:
         * null if /proc cannot be read, not {@link Pair#whole} if a socket is gone (that counts as done: the caller looks).
         */
        public static Pair await(int serverPort, int clientPort, Duration stall, java.util.function.Predicate<Pair> done) {
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

    /**
     * True when this checker runs across lesson 06's link: the link sets {@code LINK_SERVER} for
     * the programs it starts ({@code --link SPEC --server 'COMMAND'}), and the target is that address.
     */
    public static boolean acrossALink(InetSocketAddress target) {
        String server = System.getenv("LINK_SERVER");
        return server != null && target.getAddress() != null && server.equals(target.getAddress().getHostAddress());
    }

    /** The payload of one full TCP segment on a 1,500-byte link (1,500 - 20 IP - 20 TCP - 12 timestamp option). */
    public static final int SEGMENT = 1448;
    /** One {@link #SEGMENT} at 10 Mbit/s: the pace of loopback writes that stand in for a link. */
    static final long SEGMENT_NANOS = SEGMENT * 8L * 1_000_000_000L / 10_000_000L;
    /** A round trip on a link with 25 ms one-way delay: how long TCP holds a small second write for an ACK (Nagle). */
    static final long ROUND_TRIP_NANOS = 50_000_000L;

    /**
     * The name of a lesson's last stage, "the same, over a network", with what it ran over said
     * plainly: a real (emulated) network only when the checker runs across the link.
     */
    public static String overANetwork(String what) {
        return overANetwork(what, "writes paced like a 1,500-byte link at 10 Mbit/s");
    }

    /** The same, saying what stands in for the link over loopback ({@code loopback}). */
    public static String overANetwork(String what, String loopback) {
        String server = System.getenv("LINK_SERVER");
        return "the same, over a network: " + what + (server != null && !server.isBlank()
                ? " (across the link to " + server + ": the link's MTU, delay and loss split and space the segments)"
                : " (over loopback, " + loopback + "; run with --link mtu=1500,delay=25ms,loss=1% --server 'COMMAND' for a real network)");
    }

    /** Up to 32 bytes as hex, with the count, and the text when it is printable. */
    public static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, 32); i++) {
            s.append(i == 0 ? "" : " ").append(String.format("%02x", bytes[i] & 0xFF));
        }
        s.append(bytes.length > 32 ? " ... (" : " (").append(bytes.length).append(bytes.length == 1 ? " byte" : " bytes");
        String text = new String(bytes, 0, Math.min(bytes.length, 32), StandardCharsets.ISO_8859_1);
        if (!text.isEmpty() && text.chars().allMatch(c -> c >= 0x20 && c < 0x7F || c == '\n')) {
            s.append(", \"").append(text.replace("\n", "\\n")).append(bytes.length > 32 ? "..." : "").append('"');
        }
        return s.append(')').toString();
    }
}
