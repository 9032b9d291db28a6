package sockets.cli;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The engine of every lesson's wire checker: stages that talk to a server at HOST:PORT, in any
 * language, over the wire only. Each stage gets a seeded {@link Random} (the seed is printed, so a
 * failure can be replayed) and a transcript of what was sent and received, shown in hex when a
 * stage fails. The same file, byte for byte, is in every lesson; the build checks it.
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
        try (session) {
            stage.body().run(session);
            return null;
        } catch (Failed e) {
            return e.getMessage() + session.transcript() + "\nwhy:      " + stage.why();
        } catch (SocketTimeoutException e) {
            return "no answer in time (" + e.getMessage() + ")" + session.transcript() + "\nwhy:      " + stage.why();
        } catch (Exception e) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + session.transcript() + "\nwhy:      " + stage.why();
        }
    }

    /** The checker program: {@code Checker HOST:PORT [--seed N] [--stage N]}; exit 0 only if every stage passes. */
    public static int main(String program, String about, String[] args, List<Stage> stages, PrintStream out, PrintStream err) {
        String usage = "usage: " + program + " HOST:PORT [--seed N] [--stage N]   (or --host HOST --port PORT)\n" + about;
        try {
            CommandLine line = new CommandLine(args, Set.of("seed", "stage", "host", "port"), Set.of(), true);
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
            out.println("checking " + Programs.hostPort(target) + ", seed " + seed);
            int failed = 0;
            for (int i = 0; i < stages.size(); i++) {
                if (only != 0 && only != i + 1) {
                    continue;
                }
                long start = System.nanoTime();
                String problem = check(stages.get(i), target, seed + i);
                long ms = (System.nanoTime() - start) / 1_000_000;
                out.printf("  [%s] %d. %s (%d ms)%n", problem == null ? "pass" : "FAIL", i + 1, stages.get(i).name(), ms);
                if (problem != null) {
                    failed++;
                    out.println("      " + problem.replace("\n", "\n      "));
                    out.println("      rerun: " + program + " " + given + " --seed " + seed + " --stage " + (i + 1));
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
        public Peer connect(Duration patience) throws IOException {
            return connect(patience, 0);
        }

        /** The same, with a receive buffer of {@code receiveBuffer} bytes (0: the default), set before connecting. */
        public Peer connect(Duration patience, int receiveBuffer) throws IOException {
            Socket socket = new Socket();
            open.add(socket);
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.setSoTimeout(Timeouts.millis(patience));
            socket.connect(target, Timeouts.millis(patience));
            return new Peer(this, socket, "c" + peers.incrementAndGet());
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

        /** The next datagram from the server, or a SocketTimeoutException. */
        public byte[] receiveDatagram(DatagramSocket socket) throws IOException {
            byte[] buffer = new byte[65_536];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            do {
                socket.receive(packet);
            } while (!packet.getSocketAddress().equals(target)); // anything else is not the server's answer
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

        /** Sends {@code data} in random pieces down to single bytes, with short pauses so they arrive apart. */
        public void sendInPieces(byte[] data) throws IOException {
            List<Integer> sizes = new ArrayList<>();
            for (int at = 0; at < data.length; ) {
                int size = Math.min(data.length - at, 1 + session.random.nextInt(Math.max(1, Math.min(8, data.length / 2))));
                out.write(data, at, size);
                out.flush();
                sizes.add(size);
                at += size;
                LockSupport.parkNanos(3_000_000);
            }
            session.note(name + " -> " + hex(data) + " in pieces of " + sizes + " bytes");
        }

        /** Reads exactly {@code n} bytes; fails the stage if the stream ends first. */
        public byte[] read(int n) throws IOException, Failed {
            byte[] got = in.readNBytes(n);
            session.note(name + " <- " + hex(got));
            session.expect(got.length == n, n + " bytes", got.length + " bytes, then the server closed the connection");
            return got;
        }

        /** Reads until the server closes its side, at most {@code max} bytes. */
        public byte[] readToEnd(int max) throws IOException, Failed {
            byte[] got = in.readNBytes(max + 1);
            session.note(name + " <- " + hex(got) + (got.length <= max ? ", then end of stream" : ""));
            session.expect(got.length <= max, "the server to close after at most " + max + " bytes", "more");
            return got;
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
