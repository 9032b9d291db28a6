package sockets.framing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The decoders' own cost, in memory, so that the network is not what is measured.
 * <ul>
 * <li>{@code lengthPrefixed}: 1 KiB frames through {@link LengthPrefixedReader}; ns per frame, and
 *     with {@code -prof gc} the bytes allocated per frame (the payload array, and nothing else).</li>
 * <li>F-14, lines of 64 bytes delivered in chunks of {@code chunk} bytes, as socket reads would:
 *     {@link DelimitedReader}, {@code BufferedReader.readLine} (Java's {@code makefile('r')}), and
 *     the literal port of the blog's {@code readlines} ({@link SeedLineReader}); ns per line.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class DecoderBenchmark {

    static final int FRAMES = 1024;
    static final int FRAME_SIZE = 1024;
    static final int LINES = 4096;

    @Param({"4096", "65536"})
    public int chunk;

    private byte[] frames;
    private byte[] lines;

    @Setup
    public void build() {
        ByteBuffer b = ByteBuffer.allocate(FRAMES * (4 + FRAME_SIZE));
        for (int i = 0; i < FRAMES; i++) {
            b.putInt(FRAME_SIZE).put(new byte[FRAME_SIZE]);
        }
        frames = b.array();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < LINES; i++) {
            text.append("line ").append(String.format("%057d", i)).append('\n'); // 63 + newline = 64 bytes
        }
        lines = text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public void lengthPrefixed(Blackhole bh) throws IOException {
        FrameReader reader = new LengthPrefixedReader(new Chunks(frames, chunk), FRAME_SIZE);
        byte[] f;
        while ((f = reader.readFrame()) != null) {
            bh.consume(f);
        }
    }

    @Benchmark
    @OperationsPerInvocation(LINES)
    public void linesDelimitedReader(Blackhole bh) throws IOException {
        FrameReader reader = DelimitedReader.lines(new Chunks(lines, chunk), 1024);
        byte[] f;
        while ((f = reader.readFrame()) != null) {
            bh.consume(new String(f, StandardCharsets.UTF_8));
        }
    }

    @Benchmark
    @OperationsPerInvocation(LINES)
    public void linesBufferedReader(Blackhole bh) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(new Chunks(lines, chunk), StandardCharsets.UTF_8));
        String line;
        while ((line = reader.readLine()) != null) {
            bh.consume(line);
        }
    }

    @Benchmark
    @OperationsPerInvocation(LINES)
    public void linesSeedPort(Blackhole bh) throws IOException {
        List<String> all = SeedLineReader.readLines(new Chunks(lines, chunk), chunk, "\n");
        bh.consume(all);
    }

    /** An unsynchronised in-memory stream whose reads return at most {@code chunk} bytes, like recv. */
    static final class Chunks extends InputStream {
        private final byte[] data;
        private final int chunk;
        private int position;

        Chunks(byte[] data, int chunk) {
            this.data = data;
            this.chunk = chunk;
        }

        @Override
        public int read() {
            return position < data.length ? data[position++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (position >= data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, chunk), data.length - position);
            System.arraycopy(data, position, b, off, n);
            position += n;
            return n;
        }
    }
}
