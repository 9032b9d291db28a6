package sockets.framing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Robustness: however a stream of frames is cut into reads, every reader must return the same
 * frames. Small streams are cut at every pair of split points (exhaustive); large ones at seeded
 * random points, so a failure names the seed that reproduces it.
 */
@Tag("fix")
class SplitPointsTest {

    record Codec(String name, Function<InputStream, FrameReader> reader, List<byte[]> frames, byte[] wire) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> codecs() throws IOException {
        List<byte[]> texts = List.of(b(""), b("a"), b("hello"), "café ☕".getBytes(StandardCharsets.UTF_8), b("x\ry"));
        List<Codec> codecs = new ArrayList<>();

        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        FrameWriter w = new LengthPrefixedWriter(wire, 1024);
        for (byte[] t : texts) {
            w.writeFrame(t);
        }
        codecs.add(new Codec("length-prefixed", in -> new LengthPrefixedReader(in, 1024), texts, wire.toByteArray()));

        wire = new ByteArrayOutputStream();
        w = new DelimitedWriter(wire, b("\r\n"), 1024);
        for (byte[] t : texts) {
            w.writeFrame(t);
        }
        codecs.add(new Codec("delimited by CRLF", in -> new DelimitedReader(in, b("\r\n"), 1024), texts, wire.toByteArray()));

        wire = new ByteArrayOutputStream();
        w = new AsciiLengthWriter(wire);
        for (byte[] t : texts) {
            w.writeFrame(t);
        }
        codecs.add(new Codec("five ASCII digits", in -> new AsciiLengthReader(in, 1024), texts, wire.toByteArray()));

        List<byte[]> fixed = List.of(b("abcd"), b("efgh"), b("\u0000\u0000\u0000\u0000"), b("ijkl"));
        wire = new ByteArrayOutputStream();
        w = new FixedLengthWriter(wire, 4);
        for (byte[] t : fixed) {
            w.writeFrame(t);
        }
        codecs.add(new Codec("fixed length 4", in -> new FixedLengthReader(in, 4), fixed, wire.toByteArray()));

        List<byte[]> typed = List.of(b("\u0001ab"), b("\u0002"), b("\u0003xyzw"), b("\u0001cd"));
        Map<Integer, Integer> lengths = Map.of(1, 2, 2, 0, 3, 4);
        wire = new ByteArrayOutputStream();
        w = new TypedWriter(wire, lengths);
        for (byte[] t : typed) {
            w.writeFrame(t);
        }
        codecs.add(new Codec("type byte decides length", in -> new TypedReader(in, lengths), typed, wire.toByteArray()));

        return codecs.stream().flatMap(c -> Stream.of(Arguments.of(c, false), Arguments.of(c, true)));
    }

    @ParameterizedTest(name = "{0}, buffered={1}: every pair of split points")
    @MethodSource("codecs")
    void every_split_of_a_small_stream_decodes_to_the_same_frames(Codec codec, boolean buffered) throws IOException {
        int n = codec.wire().length;
        for (int i = 0; i <= n; i++) {
            for (int j = i; j <= n; j++) {
                InputStream in = ScriptedInputStream.splitAt(codec.wire(), i, j);
                assertThat(readAll(codec, buffered ? new BufferedInputStream(in) : in))
                        .as("%s cut at %d and %d", codec, i, j)
                        .containsExactlyElementsOf(codec.frames());
            }
        }
    }

    @ParameterizedTest(name = "{0}, buffered={1}: one byte per read")
    @MethodSource("codecs")
    void a_stream_delivered_one_byte_at_a_time_decodes_to_the_same_frames(Codec codec, boolean buffered) throws IOException {
        int[] everyByte = new int[codec.wire().length - 1];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = i + 1;
        }
        InputStream in = ScriptedInputStream.splitAt(codec.wire(), everyByte);
        assertThat(readAll(codec, buffered ? new BufferedInputStream(in) : in)).containsExactlyElementsOf(codec.frames());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void random_cuts_of_a_large_length_prefixed_stream_decode_to_the_same_frames(long seed) throws IOException {
        Random random = new Random(seed);
        List<byte[]> frames = new ArrayList<>();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        FrameWriter w = new LengthPrefixedWriter(wire, 1 << 20);
        for (int i = 0; i < 200; i++) {
            byte[] f = new byte[random.nextInt(i % 20 == 0 ? 200_000 : 2_000)];
            random.nextBytes(f);
            frames.add(f);
            w.writeFrame(f);
        }
        byte[] bytes = wire.toByteArray();
        List<Integer> cuts = new ArrayList<>();
        for (int at = random.nextInt(50) + 1; at < bytes.length; at += 1 + random.nextInt(random.nextBoolean() ? 7 : 70_000)) {
            cuts.add(at);
        }
        InputStream in = ScriptedInputStream.splitAt(bytes, cuts.stream().mapToInt(Integer::intValue).toArray());
        FrameReader reader = new LengthPrefixedReader(in, 1 << 20);
        for (byte[] expected : frames) {
            assertThat(reader.readFrame()).as("seed %d", seed).isEqualTo(expected);
        }
        assertThat(reader.readFrame()).isNull();
    }

    static Stream<Long> seeds() {
        return Stream.of(1L, 2L, 3L, 42L, 2024L, 65_537L);
    }

    private static List<byte[]> readAll(Codec codec, InputStream in) throws IOException {
        FrameReader reader = codec.reader().apply(in);
        List<byte[]> got = new ArrayList<>();
        byte[] f;
        while ((f = reader.readFrame()) != null) {
            got.add(f);
        }
        return got;
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
