package sockets.echo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * E-13: the HOWTO says that for IPC on one machine, binding to localhost is "quite a bit faster"
 * because it skips network layers. Measured here: a 64-byte round trip and a 1 MiB one-way
 * transfer (acknowledged) to a server on 127.0.0.1, on ::1, on the machine's own non-loopback
 * address, and on a Unix-domain socket, which skips TCP/IP altogether.
 *
 * <p>The own-address case needs an address that only this machine owns: run through
 * {@code 01-blocking-echo/run-benchmarks.sh}, which puts one on a dummy interface inside a
 * network namespace of its own, so that no traffic can reach a real network.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LoopbackTransportBenchmark {

    static final int SMALL = 64;
    static final int BULK = 1 << 20;

    @Param({"127.0.0.1", "::1", "own-address", "unix"})
    public String target;

    private ServerSocketChannel listener;
    private SocketChannel echo;
    private SocketChannel sink;
    private Path socketFile;
    private final ByteBuffer small = ByteBuffer.allocateDirect(SMALL);
    private final ByteBuffer bulk = ByteBuffer.allocateDirect(BULK);
    private final ByteBuffer ack = ByteBuffer.allocateDirect(1);

    @Setup(Level.Trial)
    public void start() throws IOException {
        SocketAddress address;
        if (target.equals("unix")) {
            socketFile = Files.createTempDirectory("e13").resolve("echo.sock");
            address = UnixDomainSocketAddress.of(socketFile);
            listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(address);
        } else {
            String host = target.equals("own-address") ? ownAddress() : target;
            listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getByName(host), 0));
            address = listener.getLocalAddress();
        }
        Thread.ofPlatform().daemon(true).name("e13-server").start(this::serve);
        echo = connect(address, (byte) 'E');
        sink = connect(address, (byte) 'S');
    }

    private static String ownAddress() {
        String own = System.getenv("BENCH_OWN_ADDRESS");
        if (own == null || own.isBlank()) {
            throw new IllegalStateException("own-address needs BENCH_OWN_ADDRESS: run 01-blocking-echo/run-benchmarks.sh,"
                    + " which sets up an address of the machine's own in a private network namespace");
        }
        return own;
    }

    private SocketChannel connect(SocketAddress address, byte role) throws IOException {
        SocketChannel ch = SocketChannel.open(address);
        if (!(address instanceof UnixDomainSocketAddress)) {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
        ch.write(ByteBuffer.wrap(new byte[] {role}));
        return ch;
    }

    /** Accepts the two connections: 'E' echoes, 'S' swallows 1 MiB and answers one byte. */
    private void serve() {
        try {
            while (true) {
                SocketChannel ch = listener.accept();
                if (ch.getRemoteAddress() instanceof InetSocketAddress) {
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                }
                ByteBuffer role = ByteBuffer.allocate(1);
                while (role.hasRemaining() && ch.read(role) >= 0) {
                    // the one role byte
                }
                boolean echoes = role.get(0) == 'E';
                Thread.ofPlatform().daemon(true).start(() -> handle(ch, echoes));
            }
        } catch (IOException closed) {
            // the benchmark is over
        }
    }

    private static void handle(SocketChannel ch, boolean echoes) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(echoes ? SMALL : 64 * 1024);
        ByteBuffer done = ByteBuffer.allocateDirect(1);
        long received = 0;
        try (ch) {
            int n;
            while ((n = ch.read(buffer)) >= 0) {
                if (echoes) {
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        ch.write(buffer);
                    }
                    buffer.clear();
                } else {
                    buffer.clear();
                    received += n;
                    if (received == BULK) {
                        received = 0;
                        done.clear();
                        ch.write(done);
                    }
                }
            }
        } catch (IOException closed) {
            // the benchmark is over
        }
    }

    @Benchmark
    public int roundTrip64Bytes() throws IOException {
        small.clear();
        while (small.hasRemaining()) {
            echo.write(small);
        }
        small.clear();
        while (small.hasRemaining()) {
            if (echo.read(small) < 0) {
                throw new IOException("server closed");
            }
        }
        return small.get(0);
    }

    @Benchmark
    public int send1MiB() throws IOException {
        bulk.clear();
        while (bulk.hasRemaining()) {
            sink.write(bulk);
        }
        ack.clear();
        if (sink.read(ack) < 0) {
            throw new IOException("server closed");
        }
        return ack.get(0);
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        echo.close();
        sink.close();
        listener.close();
        if (socketFile != null) {
            Files.deleteIfExists(socketFile);
            Files.deleteIfExists(socketFile.getParent());
        }
    }
}
