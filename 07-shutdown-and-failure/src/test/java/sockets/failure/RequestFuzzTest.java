package sockets.failure;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Coverage-guided fuzzing (Jazzer) of what {@link HalfCloseServer} does with the bytes of any
 * client: {@link HalfCloseServer#readRequest} (split into fuzzed pieces, as TCP may) and
 * {@link HalfCloseServer#writeUpperCase}. Reading holds the request once and says "too long" at
 * one byte over; the answer is every code point through {@link Character#toUpperCase(int)},
 * malformed bytes as U+FFFD; nothing throws, and the work allocates a bounded amount beyond the
 * request.
 *
 * <p>The default build replays {@code src/test/resources/sockets/failure/RequestFuzzTestInputs/} as
 * ordinary tests. To fuzz (docs/fuzzing.md):
 * {@code ./mvnw -o -Pfuzz -pl 07-shutdown-and-failure test -Dtest='RequestFuzzTest#upperCase' -Djazzer.max_duration=3m}
 */
class RequestFuzzTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static { // the first calls load classes (the decoder, the encoder): not what one request costs
        try {
            for (int i = 0; i < 3; i++) {
                HalfCloseServer.writeUpperCase(HalfCloseServer.readRequest(
                        new ByteArrayInputStream("warm \u00df".getBytes(StandardCharsets.UTF_8)), 100), new ByteArrayOutputStream());
            }
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Returns at most {@code step} bytes a read, as a socket may. */
    private static InputStream split(byte[] data, int step) {
        return new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, step));
            }
        };
    }

    interface Work {
        void run() throws IOException;
    }

    /**
     * Bytes {@code work} allocates on this thread. A first call may also pay for loading classes
     * or the fuzzer's own set-up: over {@code bound}, it is measured once more, and the second
     * figure counts (a real excess repeats).
     */
    static long allocatedBy(Work work, long bound) throws IOException {
        long allocated = Long.MAX_VALUE;
        for (int i = 0; i < 2 && allocated >= bound; i++) {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            work.run();
            allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        }
        return allocated;
    }

    @FuzzTest
    void upperCase(FuzzedDataProvider fuzz) throws IOException {
        int max = fuzz.consumeInt(1, 40_000);
        int step = fuzz.consumeInt(1, 20_000);
        byte[] request = fuzz.consumeRemainingAsBytes();
        List<byte[]> chunks = HalfCloseServer.readRequest(split(request, step), max);
        long size = chunks.stream().mapToLong(c -> c.length).sum();
        assertThat(size).isEqualTo(Math.min(request.length, max + 1L));
        if (size > max) {
            return; // refused: "error: request over N bytes"
        }
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        HalfCloseServer.writeUpperCase(chunks, answer);
        // The request once, the answer (the test's own buffer, up to 3 bytes a byte, doubled as it
        // grows) and the decoder's, encoder's and char buffers (~100 KiB).
        long bound = 256 * 1024 + 8L * request.length;
        long allocated = allocatedBy(() -> HalfCloseServer.writeUpperCase(
                HalfCloseServer.readRequest(split(request, step), max), new ByteArrayOutputStream()), bound);
        assertThat(allocated).isLessThan(bound);
        StringBuilder expected = new StringBuilder();
        new String(request, StandardCharsets.UTF_8).codePoints().map(Character::toUpperCase).forEach(expected::appendCodePoint);
        assertThat(answer.toString(StandardCharsets.UTF_8)).isEqualTo(expected.toString());
        // The request once, the answer (the test's own buffer, up to 3 bytes a byte, doubled as it grows) and ~64 KiB.
        assertThat(allocated).isLessThan(128 * 1024 + 8L * request.length);
    }
}
