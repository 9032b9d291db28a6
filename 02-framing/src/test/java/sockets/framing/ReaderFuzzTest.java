package sockets.framing;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Function;

/**
 * Coverage-guided fuzzing (Jazzer) of every reader a peer can reach. The fuzzer chooses the bytes,
 * how the stream splits them, and where read timeouts fall; the resumable readers are called again
 * after each timeout, the others are dropped at the first one, as their Javadoc says. A reader may
 * return frames no longer than its limit, return null at a clean end, or throw its declared
 * {@link FramingException}; nothing else may escape, and it may not allocate far beyond its limit.
 *
 * <p>The default build replays the corpus in {@code src/test/resources/sockets/framing/ReaderFuzzTestInputs/}
 * as ordinary tests. To fuzz one method (see docs/fuzzing.md):
 * {@code ./mvnw -Pfuzz -pl 02-framing test -Dtest='ReaderFuzzTest#lengthPrefixed' -Djazzer.max_duration=3m}
 */
class ReaderFuzzTest {

    static final int LIMIT = 4_096;
    /** What one input may make a reader allocate beyond 4 bytes per input byte: a few limits. */
    static final long ALLOCATION_BOUND = 16L * LIMIT + 64 * 1024;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** A stream the fuzzer splits: before each read it says how many bytes, or a timeout. */
    private static final class FuzzedStream extends InputStream {
        private final byte[] data;
        private final byte[] plan; // one byte per read: 0 = timeout, else up to that many bytes
        private int at;
        private int step;
        int timeouts;

        FuzzedStream(byte[] data, byte[] plan) {
            this.data = data;
            this.plan = plan;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int p = plan.length == 0 ? 0xFF : plan[step++ % plan.length] & 0xFF;
            if (p == 0) {
                timeouts++;
                throw new SocketTimeoutException("Read timed out");
            }
            if (at == data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, p), data.length - at);
            System.arraycopy(data, at, b, off, n);
            at += n;
            return n;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == 1 ? one[0] & 0xFF : -1;
        }
    }

    private static void check(FuzzedDataProvider fuzz, boolean resumable, Function<InputStream, FrameReader> make) {
        byte[] plan = fuzz.consumeBytes(fuzz.consumeInt(0, 16));
        byte[] data = fuzz.consumeRemainingAsBytes();
        // Once unmeasured: the first time a path runs, loading its classes (an exception's, a
        // formatter's) allocates far more than the reader does.
        run(new FuzzedStream(data, plan), resumable, make);
        FuzzedStream in = new FuzzedStream(data, plan);
        long before = THREADS.getCurrentThreadAllocatedBytes();
        long tooLong = run(in, resumable, make);
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        assertThat(tooLong).as("a frame longer than the limit").isEqualTo(-1);
        // Each timeout is an exception with its stack trace: the test's cost, not the reader's.
        assertThat(allocated).as("bytes allocated for %d input bytes, %d timeouts", data.length, in.timeouts)
                .isLessThan(ALLOCATION_BOUND + 4L * data.length + 8192L * in.timeouts);
    }

    /** Reads to the end; returns the length of a frame over the limit, or -1. */
    private static long run(FuzzedStream in, boolean resumable, Function<InputStream, FrameReader> make) {
        try {
            FrameReader reader = make.apply(in);
            int stuck = 0; // timeouts in a row with no byte read between them
            int lastAt = -1;
            for (int calls = 0; calls < 100_000; calls++) {
                byte[] frame;
                try {
                    frame = reader.readFrame();
                } catch (SocketTimeoutException timeout) {
                    stuck = in.at == lastAt ? stuck + 1 : 0;
                    lastAt = in.at;
                    if (!resumable || stuck > 16) {
                        break; // not resumable (the connection would be dropped here), or only timeouts left
                    }
                    continue;
                }
                if (frame == null) {
                    break;
                }
                if (frame.length > LIMIT) {
                    return frame.length;
                }
            }
        } catch (FramingException declared) {
            // the declared way to refuse bytes
        } catch (IOException | RuntimeException e) {
            throw new AssertionError("threw " + e + " for " + HexFormat.of().formatHex(in.data, 0, Math.min(64, in.data.length)), e);
        }
        return -1;
    }

    @FuzzTest
    void lengthPrefixed(FuzzedDataProvider fuzz) {
        check(fuzz, true, in -> new LengthPrefixedReader(in, LIMIT));
    }

    @FuzzTest
    void lines(FuzzedDataProvider fuzz) {
        check(fuzz, true, in -> DelimitedReader.lines(in, LIMIT));
    }

    @FuzzTest
    void crlfcrlf(FuzzedDataProvider fuzz) {
        check(fuzz, true, in -> new DelimitedReader(in, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), LIMIT));
    }

    @FuzzTest
    void closeDelimited(FuzzedDataProvider fuzz) {
        check(fuzz, true, in -> new CloseDelimitedReader(in, LIMIT));
    }

    @FuzzTest
    void asciiLength(FuzzedDataProvider fuzz) {
        check(fuzz, false, in -> new AsciiLengthReader(in, LIMIT));
    }

    @FuzzTest
    void fixedLength(FuzzedDataProvider fuzz) {
        check(fuzz, false, in -> new FixedLengthReader(in, 8));
    }

    @FuzzTest
    void typed(FuzzedDataProvider fuzz) {
        check(fuzz, false, in -> new TypedReader(in, Map.of(1, 4, 2, 8, 3, 0)));
    }
}
