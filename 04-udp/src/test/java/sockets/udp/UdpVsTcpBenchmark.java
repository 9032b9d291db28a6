package sockets.udp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
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
 * U-08: "UDP for latency-sensitive applications" against the HOWTO's "STREAM sockets give better
 * behaviour and performance". One round trip (send, wait for the echo) over loopback: a connected
 * {@link DatagramChannel}, and a {@link SocketChannel} with and without {@code TCP_NODELAY}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class UdpVsTcpBenchmark {

    @Param({"32", "1024", "8192"})
    public int size;

    @Param({"udp", "tcp-nodelay", "tcp-nagle"})
    public String transport;

    private DatagramChannel udp;
    private DatagramChannel udpPeer;
    private ServerSocketChannel listener;
    private SocketChannel tcp;
    private SocketChannel tcpPeer;
    private ByteBuffer buffer;

    @Setup(Level.Trial)
    public void start() throws IOException {
        buffer = ByteBuffer.allocateDirect(size);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        if (transport.equals("udp")) {
            udpPeer = DatagramChannel.open().bind(new InetSocketAddress(loopback, 0));
            udp = DatagramChannel.open().bind(new InetSocketAddress(loopback, 0)).connect(udpPeer.getLocalAddress());
            udpPeer.connect(udp.getLocalAddress());
            Thread.ofPlatform().daemon().start(() -> echoDatagrams(udpPeer, size));
        } else {
            listener = ServerSocketChannel.open().bind(new InetSocketAddress(loopback, 0));
            tcp = SocketChannel.open(listener.getLocalAddress());
            tcpPeer = listener.accept();
            boolean noDelay = transport.equals("tcp-nodelay");
            tcp.setOption(StandardSocketOptions.TCP_NODELAY, noDelay);
            tcpPeer.setOption(StandardSocketOptions.TCP_NODELAY, noDelay);
            Thread.ofPlatform().daemon().start(() -> echoStream(tcpPeer, size));
        }
    }

    private static void echoDatagrams(DatagramChannel ch, int size) {
        ByteBuffer b = ByteBuffer.allocateDirect(size);
        try {
            while (true) {
                b.clear();
                ch.read(b);
                b.flip();
                ch.write(b);
            }
        } catch (IOException closed) {
            // the trial is over
        }
    }

    private static void echoStream(SocketChannel ch, int size) {
        ByteBuffer b = ByteBuffer.allocateDirect(size);
        try {
            while (true) {
                b.clear();
                while (b.hasRemaining()) {
                    if (ch.read(b) < 0) {
                        return;
                    }
                }
                b.flip();
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
        } catch (IOException closed) {
            // the trial is over
        }
    }

    @Benchmark
    public int roundTrip() throws IOException {
        buffer.clear();
        if (udp != null) {
            udp.write(buffer);
            buffer.clear();
            return udp.read(buffer); // one datagram: the whole echo, or nothing
        }
        while (buffer.hasRemaining()) {
            tcp.write(buffer);
        }
        buffer.clear();
        while (buffer.hasRemaining()) {
            if (tcp.read(buffer) < 0) {
                throw new IOException("echo peer closed");
            }
        }
        return buffer.position();
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        for (var c : new java.nio.channels.Channel[] {udp, udpPeer, tcp, tcpPeer, listener}) {
            if (c != null) {
                c.close();
            }
        }
    }
}
