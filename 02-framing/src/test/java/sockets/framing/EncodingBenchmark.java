package sockets.framing;

import java.util.Random;
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

/**
 * F-12: "ASCII is often smaller than binary". The sizes are exact and are asserted by
 * {@code IntegerEncodingsTest}; this measures the speed of encoding and decoding 4,096 values
 * (ns per value) in each encoding, for the three distributions.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class EncodingBenchmark {

    static final int VALUES = 4096;

    @Param({"zero-or-one", "below-1000", "uniform-int32"})
    public String distribution;

    @Param({"ascii", "int32", "varint"})
    public String encoding;

    private int[] values;
    private byte[] wire;

    @Setup
    public void build() {
        values = IntegerEncodings.sample(distribution, VALUES, new Random(12));
        wire = new byte[VALUES * 12];
    }

    @Benchmark
    @OperationsPerInvocation(VALUES)
    public long encodeThenDecode() {
        int length = IntegerEncodings.encode(encoding, values, wire);
        return IntegerEncodings.decodeSum(encoding, wire, length);
    }
}
