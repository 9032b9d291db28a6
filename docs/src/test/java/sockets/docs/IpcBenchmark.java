package sockets.docs;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * H-04: "pipes or shared memory" (the HOWTO), "shared memory with locks or semaphores is by far the
 * fastest" (its older text): IPC between two processes on one machine, over TCP loopback, a
 * Unix-domain socket, a pair of named pipes, and shared memory (a mapped file in /dev/shm with a
 * release/acquire handshake; both sides spin while they wait). A 64-byte round trip, and 1 MiB
 * sent and acknowledged. The peer is a second JVM started by the benchmark ({@link Peer}). Linux.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class IpcBenchmark {

    static final int SMALL = 64;
    static final int BULK = 1 << 20;
    /** Shared memory: two ints (request and response sequence numbers), then the data area. */
    static final long DATA = 64;

    @Param({"tcp", "unix", "pipe", "shm"})
    public String transport;

    @Param({"ping", "bulk"})
    public String mode;

    private Process peer;
    private Path dir;
    private ByteChannel channel;
    private ByteChannel toPeer;
    private ByteChannel fromPeer;
    private Arena arena;
    private MemorySegment shared;
    private int sequence;
    private final ByteBuffer small = ByteBuffer.allocateDirect(SMALL);
    private final ByteBuffer bulk = ByteBuffer.allocateDirect(BULK);
    private final ByteBuffer ack = ByteBuffer.allocateDirect(1);
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    @Setup(Level.Trial)
    public void start() throws Exception {
        dir = Files.createTempDirectory(Path.of(Files.isDirectory(Path.of("/dev/shm")) ? "/dev/shm" : "/tmp"), "h04");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        switch (transport) {
            case "tcp", "unix" -> {
                ServerSocketChannel listener = transport.equals("tcp")
                        ? ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                        : ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(dir.resolve("s")));
                String where = transport.equals("tcp") ? String.valueOf(((InetSocketAddress) listener.getLocalAddress()).getPort())
                        : dir.resolve("s").toString();
                peer = startPeer(java, transport, where);
                SocketChannel ch = listener.accept();
                if (transport.equals("tcp")) {
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                }
                listener.close();
                channel = ch;
                toPeer = ch;
                fromPeer = ch;
            }
            case "pipe" -> {
                for (String fifo : new String[] {"up", "down"}) {
                    if (new ProcessBuilder("mkfifo", dir.resolve(fifo).toString()).inheritIO().start().waitFor() != 0) {
                        throw new IllegalStateException("mkfifo failed");
                    }
                }
                peer = startPeer(java, "pipe", dir.toString());
                toPeer = FileChannel.open(dir.resolve("up"), StandardOpenOption.WRITE);
                fromPeer = FileChannel.open(dir.resolve("down"), StandardOpenOption.READ);
            }
            case "shm" -> {
                Path file = dir.resolve("shm");
                try (FileChannel f = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    arena = Arena.ofShared();
                    shared = f.map(FileChannel.MapMode.READ_WRITE, 0, DATA + BULK, arena);
                }
                peer = startPeer(java, "shm", file.toString());
            }
            default -> throw new IllegalArgumentException(transport);
        }
    }

    private Process startPeer(String java, String how, String where) throws IOException {
        return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), Peer.class.getName(), how, mode, where)
                .inheritIO().start();
    }

    @Benchmark
    public int exchange() throws IOException {
        if (shared != null) {
            return shmExchange();
        }
        if (mode.equals("ping")) {
            small.clear();
            writeAll(toPeer, small);
            small.clear();
            readAll(fromPeer, small);
            return small.get(0);
        }
        bulk.clear();
        writeAll(toPeer, bulk);
        ack.clear();
        readAll(fromPeer, ack);
        return ack.get(0);
    }

    private int shmExchange() {
        int n = ++sequence;
        long bytes = mode.equals("ping") ? SMALL : BULK;
        shared.asSlice(DATA, bytes).fill((byte) n); // the "message"
        INT.setRelease(shared, 0L, n); // publish: the data is visible before the number
        while ((int) INT.getAcquire(shared, 4L) != n) {
            Thread.onSpinWait();
        }
        return shared.get(ValueLayout.JAVA_BYTE, DATA);
    }

    static void writeAll(ByteChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    static void readAll(ByteChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new IOException("peer closed");
            }
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        if (shared != null) {
            INT.setRelease(shared, 0L, -1); // tells the peer to stop
        }
        for (ByteChannel c : new ByteChannel[] {channel, toPeer, fromPeer}) {
            if (c != null) {
                c.close();
            }
        }
        if (!peer.waitFor(5, TimeUnit.SECONDS)) {
            peer.destroyForcibly();
        }
        if (arena != null) {
            arena.close();
        }
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }

    /** The other process: echoes 64-byte messages, or swallows 1 MiB and answers one byte. */
    public static final class Peer {

        private Peer() {
        }

        public static void main(String[] args) throws Exception {
            String how = args[0];
            boolean ping = args[1].equals("ping");
            String where = args[2];
            switch (how) {
                case "tcp", "unix" -> {
                    SocketChannel ch = how.equals("tcp")
                            ? SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(where)))
                            : SocketChannel.open(UnixDomainSocketAddress.of(where));
                    if (how.equals("tcp")) {
                        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    }
                    serve(ch, ch, ping);
                }
                case "pipe" -> {
                    Path dir = Path.of(where);
                    FileChannel in = FileChannel.open(dir.resolve("up"), StandardOpenOption.READ);
                    FileChannel out = FileChannel.open(dir.resolve("down"), StandardOpenOption.WRITE);
                    serve(in, out, ping);
                }
                case "shm" -> {
                    try (Arena arena = Arena.ofShared(); FileChannel f = FileChannel.open(Path.of(where),
                            StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                        MemorySegment shared = f.map(FileChannel.MapMode.READ_WRITE, 0, DATA + BULK, arena);
                        byte[] copy = new byte[BULK];
                        int seen = 0;
                        while (true) {
                            int n = (int) INT.getAcquire(shared, 0L);
                            if (n == -1) {
                                return;
                            }
                            if (n == seen) {
                                Thread.onSpinWait();
                                continue;
                            }
                            seen = n;
                            int bytes = ping ? SMALL : BULK;
                            MemorySegment.copy(shared, ValueLayout.JAVA_BYTE, DATA, copy, 0, bytes); // "read" it
                            INT.setRelease(shared, 4L, n);
                        }
                    }
                }
                default -> throw new IllegalArgumentException(how);
            }
        }

        private static void serve(ByteChannel in, ByteChannel out, boolean ping) throws IOException {
            ByteBuffer buffer = ByteBuffer.allocateDirect(ping ? SMALL : 64 * 1024);
            ByteBuffer done = ByteBuffer.allocateDirect(1);
            long received = 0;
            try (in; out) {
                while (true) {
                    buffer.clear();
                    if (ping) {
                        while (buffer.hasRemaining()) {
                            if (in.read(buffer) < 0) {
                                return;
                            }
                        }
                        buffer.flip();
                        writeAll(out, buffer);
                    } else {
                        int n = in.read(buffer);
                        if (n < 0) {
                            return;
                        }
                        received += n;
                        if (received == BULK) {
                            received = 0;
                            done.clear();
                            writeAll(out, done);
                        }
                    }
                }
            }
        }
    }
}
