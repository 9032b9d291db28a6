package sockets.framing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every reader a peer can reach, fed seeded random streams and mutated valid ones, cut into
 * random chunks. A reader may return frames, return null at a clean end, or throw its declared
 * {@link FramingException} (of which {@link TruncatedFrameException} is one); nothing else may
 * escape, no frame may exceed the limit, and no input may make it allocate far beyond the limit.
 * A failure names the reader, the seed and the input, so it can be replayed.
 */
@Tag("fix")
class DecoderFuzzTest {

    private static final long SEED = 0xF0221_02L;
    private static final int INPUTS_PER_READER = 3_000;
    private static final int LIMIT = 4_096;
    /** What one input may make a reader allocate: a few times the limit, never what a header claims. */
    private static final long ALLOCATION_BOUND = 16L * LIMIT + 256 * 1024;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static void fuzz(String name, Function<ScriptedInputStream, FrameReader> reader, List<byte[]> valid) {
        Random random = new Random(SEED ^ name.hashCode());
        for (int i = 0; i < INPUTS_PER_READER; i++) {
            byte[] input = i % 2 == 0 ? randomStream(random) : mutate(random, valid.get(random.nextInt(valid.size())));
            ScriptedInputStream in = chunked(random, input);
            long before = THREADS.getCurrentThreadAllocatedBytes();
            try {
                FrameReader r = reader.apply(in);
                byte[] frame;
                int frames = 0;
                while ((frame = r.readFrame()) != null && frames++ < 10_000) {
                    assertThat(frame.length).as("%s frame length, input %d", name, i).isLessThanOrEqualTo(LIMIT);
                }
            } catch (FramingException declared) {
                // the declared way to refuse bytes
            } catch (IOException | RuntimeException e) {
                throw new AssertionError(name + " threw " + e + " for input " + i + " (seed " + SEED + "): "
                        + HexFormat.of().formatHex(input, 0, Math.min(input.length, 64)), e);
            }
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            assertThat(allocated).as("%s allocated for input %d of %d bytes", name, i, input.length)
                    .isLessThan(ALLOCATION_BOUND + 4L * input.length);
        }
    }

    private static byte[] randomStream(Random random) {
        byte[] b = new byte[random.nextInt(200)];
        random.nextBytes(b);
        if (random.nextBoolean() && b.length >= 4) { // a huge announced length now and then
            b[0] = (byte) (random.nextBoolean() ? 0x7F : 0xFF);
        }
        return b;
    }

    private static byte[] mutate(Random random, byte[] valid) {
        byte[] b = valid.clone();
        switch (random.nextInt(3)) {
            case 0 -> b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
            case 1 -> b = Arrays.copyOf(b, random.nextInt(b.length));
            default -> {
                for (int k = 0; k < 3; k++) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
            }
        }
        return b;
    }

    private static ScriptedInputStream chunked(Random random, byte[] whole) {
        List<Integer> cuts = new ArrayList<>();
        for (int at = 1; at < whole.length; at += 1 + random.nextInt(16)) {
            cuts.add(at);
        }
        return ScriptedInputStream.splitAt(whole, cuts.stream().mapToInt(Integer::intValue).toArray());
    }

    private static byte[] lengthPrefixed(String... messages) {
        ByteBuffer b = ByteBuffer.allocate(1 << 16);
        for (String m : messages) {
            b.putInt(m.length()).put(m.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    @Test
    void every_reader_a_peer_can_reach_throws_only_its_declared_exception_and_allocates_within_its_limit() {
        fuzz("LengthPrefixedReader", in -> new LengthPrefixedReader(in, LIMIT), List.of(lengthPrefixed("hello", "", "world")));
        fuzz("DelimitedReader(\\n)", in -> DelimitedReader.lines(in, LIMIT), List.of(ascii("one\ntwo\n\nthree\n")));
        fuzz("DelimitedReader(\\r\\n\\r\\n)", in -> new DelimitedReader(in, ascii("\r\n\r\n"), LIMIT),
                List.of(ascii("a\r\nb\r\n\r\nc\r\n\r\n")));
        fuzz("AsciiLengthReader", in -> new AsciiLengthReader(in, LIMIT), List.of(ascii("00005hello00000000003abc")));
        fuzz("FixedLengthReader", in -> new FixedLengthReader(in, 8), List.of(ascii("12345678abcdefgh")));
        fuzz("TypedReader", in -> new TypedReader(in, Map.of(1, 4, 2, 8)),
                List.of(new byte[] {1, 0, 0, 0, 7, 2, 1, 2, 3, 4, 5, 6, 7, 8}));
        fuzz("CloseDelimitedReader", in -> new CloseDelimitedReader(in, LIMIT), List.of(ascii("everything until the end")));
    }
}
