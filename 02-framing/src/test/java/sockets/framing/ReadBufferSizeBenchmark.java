package sockets.framing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
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
 * F-08: "4096 or 8192 is frequently a good match for network buffer sizes". A sender streams
 * 100-byte newline-terminated records over loopback as fast as it can; the benchmark reads 16 MiB
 * with a read buffer of {@code bufferSize} bytes and counts the records. Time per 16 MiB; the
 * number of {@code read} calls is what the buffer size changes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ReadBufferSizeBenchmark {

    static final int PER_OP = 16 << 20;

    @Param({"512", "1024", "4096", "8192", "16384", "65536", "262144"})
    public int bufferSize;

    private ServerSocket listener;
    private Socket sender;
    private Socket receiver;
    private InputStream in;
    private byte[] buffer;

    @Setup(Level.Trial)
    public void connect() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        receiver = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        sender = listener.accept();
        byte[] records = new byte[100 * 1000];
        Arrays.fill(records, (byte) 'r');
        for (int i = 99; i < records.length; i += 100) {
            records[i] = '\n';
        }
        Thread.ofPlatform().daemon().name("f08-sender").start(() -> {
            try {
                OutputStream out = sender.getOutputStream();
                while (true) {
                    out.write(records);
                }
            } catch (IOException closed) {
                // the trial is over
            }
        });
        in = receiver.getInputStream();
        buffer = new byte[bufferSize];
    }

    @Benchmark
    public long read16MiB() throws IOException {
        long records = 0;
        long total = 0;
        while (total < PER_OP) {
            int n = in.read(buffer);
            if (n < 0) {
                throw new IOException("sender stopped");
            }
            for (int i = 0; i < n; i++) {
                if (buffer[i] == '\n') {
                    records++;
                }
            }
            total += n;
        }
        return records;
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        receiver.close();
        sender.close();
        listener.close();
    }
}
