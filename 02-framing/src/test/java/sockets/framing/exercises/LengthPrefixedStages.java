package sockets.framing.exercises;

import static sockets.exercise.Teach.check;
import static sockets.exercise.Teach.hex;
import static sockets.exercise.Teach.thrown;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import sockets.exercise.Teach;
import sockets.exercise.Who;
import sockets.framing.FrameReader;
import sockets.framing.FramingException;
import sockets.framing.TruncatedFrameException;

/** The stages of the length-prefixed exercise; the reference is {@link sockets.framing.LengthPrefixedReader}. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(Who.Resolver.class)
class LengthPrefixedStages {

    private static final String README = " (02-framing/README.md, \"A length prefix, read in two loops, checked before allocating\")";
    private static final int LIMIT = 1024;

    private static FrameReader reader(Who who, InputStream in) {
        return reader(who, in, LIMIT);
    }

    private static FrameReader reader(Who who, InputStream in, int limit) {
        return who.pick(() -> new LengthPrefixedReader(in, limit), () -> new sockets.framing.LengthPrefixedReader(in, limit), null);
    }

    static byte[] frame(String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    static byte[] concat(byte[]... parts) {
        ByteBuffer all = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) {
            all.put(p);
        }
        return all.array();
    }

    /** Reads one frame and checks it is {@code expected}; the message shows what was sent and how. */
    private static void expectFrame(FrameReader reader, Script in, byte[] sent, String expected, String why) throws IOException {
        byte[] got = reader.readFrame();
        check(got != null && Arrays.equals(got, expected.getBytes(StandardCharsets.UTF_8)),
                hex(sent) + ", " + in.shape(), got == null ? "null (end of stream)" : hex(got),
                hex(expected.getBytes(StandardCharsets.UTF_8)), why + README);
    }

    @Test
    @Order(1)
    @DisplayName("1. a frame that arrives in one read")
    void oneRead(Who who) throws IOException {
        byte[] sent = frame("hello");
        Script in = Script.pieces(sent);
        FrameReader reader = reader(who, in);
        expectFrame(reader, in, sent, "hello", "the 4-byte prefix says 5, so the frame is the next 5 bytes");
        byte[] after = reader.readFrame();
        check(after == null, hex(sent) + ", then end of stream", hex(after), "null: the stream ended cleanly between frames",
                "null is how a reader says 'no more frames'");
    }

    @Test
    @Order(2)
    @DisplayName("2. a frame whose prefix and body arrive one byte per read")
    void oneBytePerRead(Who who) throws IOException {
        byte[] sent = frame("partial");
        Script in = Script.every(1, sent);
        expectFrame(reader(who, in), in, sent, "partial",
                "a read returns what has arrived, as little as one byte; the prefix too must be read in a loop (F-10)");
    }

    @Test
    @Order(3)
    @DisplayName("3. two frames in one read, and a frame returned stays as it was")
    void twoInOneRead(Who who) throws IOException {
        byte[] sent = concat(frame("first"), frame("later"));
        Script in = Script.pieces(sent);
        FrameReader reader = reader(who, in);
        byte[] first = reader.readFrame();
        byte[] expected = "first".getBytes(StandardCharsets.UTF_8);
        check(first != null && Arrays.equals(first, expected), hex(sent) + ", " + in.shape(),
                first == null ? "null (end of stream)" : hex(first), hex(expected), "the first frame is the first 4 + 5 bytes" + README);
        expectFrame(reader, in, sent, "later",
                "bytes read past the end of a frame are the start of the next one: keep them (F-09)");
        // A reader that reuses its array for the next frame of the same length changes a frame the caller still holds.
        int at = Arrays.mismatch(first, expected);
        check(at < 0, hex(sent) + ", " + in.shape() + "; the first frame looked at again after the second was read",
                hex(first) + ", first difference at byte " + at, hex(expected) + ", as it was when it was returned",
                "a frame returned belongs to the caller: give each frame a new array, never one the reader fills again"
                        + " (the two frames have the same length, 5)" + README);
    }

    @Test
    @Order(4)
    @DisplayName("4. a frame over the reader's limit is refused before anything is allocated for it; a large frame under it is read")
    void overTheLimit(Who who) throws IOException {
        byte[] sent = {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 'x'};
        Script in = Script.pieces(sent);
        String why = "a peer can announce 2 GiB and send nothing: allocating first is a denial of service" + README;
        try {
            byte[] got = reader(who, in).readFrame();
            throw Teach.failure(hex(sent) + ", limit " + LIMIT, hex(got), "FramingException (frame too large)", why);
        } catch (FramingException expected) {
            check(!(expected instanceof TruncatedFrameException), hex(sent) + ", limit " + LIMIT, thrown(expected),
                    "FramingException saying the frame is too large, thrown as soon as the prefix is read", why);
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            if (e instanceof sockets.exercise.NotWrittenYet n) {
                throw n;
            }
            throw Teach.failure(hex(sent) + ", limit " + LIMIT, thrown(e), "FramingException (frame too large)", why);
        }
        // The limit is the maxFrame the reader was built with, not a constant: 16 refuses 17 bytes,
        // 4096 takes 2000, 1 MiB takes 100,000 (above 65,535, so a 16-bit length is not enough).
        String limitWhy = "the limit is the maxFrame given to the constructor, whatever its value: compare the announced"
                + " length with that field, not with a constant of your own";
        expectRefused(who, 16, ByteBuffer.allocate(4 + 17).putInt(17).put(new byte[17]).array(), limitWhy);
        expectUnderLimit(who, 4096, 2000, limitWhy);
        expectUnderLimit(who, 1 << 20, 100_000, limitWhy + "; the prefix has 32 bits, so lengths of 65,536 and more are real");
    }

    /** A frame of {@code length} random bytes, in reads of 4093, must come back whole from a reader built with {@code limit}. */
    private static void expectUnderLimit(Who who, int limit, int length, String why) throws IOException {
        byte[] body = new byte[length];
        new java.util.Random(length).nextBytes(body);
        byte[] sent = ByteBuffer.allocate(4 + length).putInt(length).put(body).array();
        Script in = Script.every(4093, sent);
        String what = "a frame of " + length + " random bytes, limit " + limit + " (maxFrame), " + in.shape();
        byte[] got;
        try {
            got = reader(who, in, limit).readFrame();
        } catch (FramingException e) {
            throw Teach.failure(what, thrown(e), "the same " + length + " bytes: " + length + " is under the limit " + limit, why + README);
        }
        int at = got == null ? -1 : Arrays.mismatch(got, body);
        check(got != null && at < 0, what, got == null ? "null" : hex(got) + (at >= 0 ? ", first difference at byte " + at : ""),
                "the same " + length + " bytes", why + README);
    }

    @Test
    @Order(5)
    @DisplayName("5. the stream ends inside a frame")
    void truncated(Who who) throws IOException {
        byte[] sent = Arrays.copyOf(frame("cut short"), 7);
        Script in = Script.pieces(sent);
        String why = "a frame cut off by the end of the stream is an error, not a shorter frame and not a clean end" + README;
        try {
            byte[] got = reader(who, in).readFrame();
            throw Teach.failure(hex(sent) + ", then end of stream", got == null ? "null" : hex(got), "TruncatedFrameException", why);
        } catch (TruncatedFrameException expected) {
            // right
        } catch (FramingException e) {
            throw Teach.failure(hex(sent) + ", then end of stream", thrown(e), "TruncatedFrameException", why);
        }
        byte[] half = {0, 0};
        try {
            byte[] got = reader(who, Script.pieces(half)).readFrame();
            throw Teach.failure(hex(half) + ", then end of stream", got == null ? "null" : hex(got),
                    "TruncatedFrameException: half a prefix is not a clean end", why);
        } catch (TruncatedFrameException expected) {
            // right
        }
    }

    @Test
    @Order(6)
    @DisplayName("6. a read timeout, in the body, in the prefix or before a frame, reaches the caller and loses nothing")
    void timeoutKeepsBytes(Who who) throws IOException {
        byte[] sent = frame("patience");
        Script in = Script.pieces(Arrays.copyOf(sent, 2), Arrays.copyOfRange(sent, 2, 7), Script.TIMEOUT, Arrays.copyOfRange(sent, 7, sent.length));
        FrameReader reader = reader(who, in);
        try {
            byte[] got = reader.readFrame();
            throw Teach.failure("7 bytes then a read timeout", hex(got), "SocketTimeoutException", "the timeout must reach the caller");
        } catch (SocketTimeoutException expected) {
            // the caller may send a heartbeat, then read again
        }
        String why = "after a timeout the caller reads again; the 7 bytes already read belong to this frame, keep them"
                + " in fields of the reader, not in local variables";
        try {
            expectFrame(reader, in, sent, "patience", why);
        } catch (IOException e) {
            // Typically a FramingException: a reader that forgot the first 7 bytes took body bytes for a length.
            throw Teach.failure(hex(sent) + ", " + in.shape(), e.getClass().getSimpleName() + ": " + e.getMessage(),
                    hex("patience".getBytes(StandardCharsets.UTF_8)), why + README);
        }
        // Inside the prefix: in.readNBytes(prefix, 0, 4) loops, but a timeout inside it loses the count of bytes it had read.
        byte[] waiting = frame("waiting");
        timeoutThenFrame(who, "waiting", Script.pieces(Arrays.copyOf(waiting, 2), Script.TIMEOUT, Arrays.copyOfRange(waiting, 2, waiting.length)),
                "2 bytes of the 4-byte prefix then a read timeout",
                "a timeout can come inside the prefix too: the 2 prefix bytes already read must stay in fields of the reader;"
                        + " readNBytes(prefix, 0, 4) loses them when it is interrupted (keep your own count of prefix bytes)");
        // Before any byte: an idle peer is not a closed one.
        byte[] idle = frame("idle");
        timeoutThenFrame(who, "idle", Script.pieces(Script.TIMEOUT, idle), "a read timeout before any byte of a frame",
                "a timeout with nothing read means only that nothing came in time: the peer is idle, not gone; let the"
                        + " SocketTimeoutException reach the caller (null is only for the end of the stream)");
    }

    /** The first readFrame must throw the scripted timeout, the second must return {@code text}. */
    private static void timeoutThenFrame(Who who, String text, Script in, String before, String why) throws IOException {
        byte[] sent = frame(text);
        FrameReader reader = reader(who, in);
        try {
            byte[] got = reader.readFrame();
            throw Teach.failure(before + " (" + hex(sent) + ", " + in.shape() + ")", got == null ? "null (end of stream)" : hex(got),
                    "SocketTimeoutException", "the timeout must reach the caller; " + why + README);
        } catch (SocketTimeoutException expected) {
            // the caller may send a heartbeat, then read again
        }
        byte[] got;
        try {
            got = reader.readFrame();
        } catch (IOException e) {
            throw Teach.failure(before + ", then the rest (" + hex(sent) + ", " + in.shape() + "), read again after the timeout",
                    thrown(e), hex(text.getBytes(StandardCharsets.UTF_8)), why + README);
        }
        check(got != null && Arrays.equals(got, text.getBytes(StandardCharsets.UTF_8)),
                before + ", then the rest (" + hex(sent) + ", " + in.shape() + "), read again after the timeout",
                got == null ? "null (end of stream)" : hex(got), hex(text.getBytes(StandardCharsets.UTF_8)), why + README);
    }

    @Test
    @Order(7)
    @DisplayName("7. an empty frame is a frame, not the end")
    void emptyFrame(Who who) throws IOException {
        byte[] sent = concat(frame(""), frame("after"));
        Script in = Script.pieces(sent);
        FrameReader reader = reader(who, in);
        expectFrame(reader, in, sent, "", "length 0 is a valid frame with no bytes; null would mean the stream ended");
        expectFrame(reader, in, sent, "after", "the frame after the empty one");
    }

    /** Fails unless reading {@code sent} throws a FramingException that is not a truncation (the limit was checked). */
    private static void expectRefused(Who who, byte[] sent, String why) {
        expectRefused(who, LIMIT, sent, why);
    }

    private static void expectRefused(Who who, int limit, byte[] sent, String why) {
        String what = hex(sent) + ", limit " + limit + " (maxFrame)";
        try {
            byte[] got = reader(who, Script.pieces(sent), limit).readFrame();
            throw Teach.failure(what, hex(got), "FramingException (frame too large)", why + README);
        } catch (FramingException expected) {
            check(!(expected instanceof TruncatedFrameException), what, thrown(expected),
                    "FramingException saying the frame is too large, thrown as soon as the prefix is read", why + README);
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            if (e instanceof sockets.exercise.NotWrittenYet n) {
                throw n;
            }
            throw Teach.failure(what, thrown(e), "FramingException (frame too large)", why + README);
        }
    }

    @Test
    @Order(8)
    @DisplayName("8. boundaries and values: a prefix with the top bit set, a frame of exactly the limit, odd lengths at odd offsets")
    void boundariesAndValues(Who who) throws IOException {
        // Read as a signed int (ByteBuffer.getInt), 80 00 00 00 is -2147483648: below any limit, and new byte[-2147483648] throws.
        String why = "the prefix is an unsigned 32-bit length: read as a signed int, 0x80000000 and up are negative, pass a"
                + " 'len > max' check and crash the allocation; refuse them as too large (Integer.toUnsignedLong)";
        expectRefused(who, new byte[] {(byte) 0x80, 0, 0, 0, 'x'}, why);
        expectRefused(who, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xfe, 'x'}, why);
        byte[] body = new byte[LIMIT];
        new java.util.Random(8).nextBytes(body);
        byte[] sent = ByteBuffer.allocate(4 + LIMIT).putInt(LIMIT).put(body).array();
        Script in = Script.every(333, sent);
        String limitWhy = "the limit is the largest frame allowed, not the first one refused: compare with >, not >=" + README;
        byte[] got;
        try {
            got = reader(who, in).readFrame();
        } catch (FramingException e) {
            throw Teach.failure(hex(sent) + " (" + LIMIT + " random bytes, the limit), " + in.shape(), thrown(e), "the same " + LIMIT + " bytes",
                    limitWhy);
        }
        int at = got == null ? -1 : Arrays.mismatch(got, body);
        check(got != null && at < 0, hex(sent) + " (" + LIMIT + " random bytes, the limit), " + in.shape(),
                got == null ? "null" : hex(got) + (at >= 0 ? ", first difference at byte " + at : ""), "the same " + LIMIT + " bytes",
                limitWhy);
        expectRefused(who, ByteBuffer.allocate(5).putInt(LIMIT + 1).put((byte) 'x').array(), "one byte over the limit is too large");
        manyFrames(who);
    }

    /** Frames of many lengths and contents, cut at odd places, must come out byte for byte. */
    private static void manyFrames(Who who) throws IOException {
        java.util.Random random = new java.util.Random(10);
        List<byte[]> bodies = new java.util.ArrayList<>();
        java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 40; i++) {
            byte[] body = new byte[i == 0 ? 1 : i == 1 ? 3 : 1 + 2 * random.nextInt(LIMIT / 2)]; // odd lengths, 1 to the limit - 1
            random.nextBytes(body);
            bodies.add(body);
            wire.writeBytes(ByteBuffer.allocate(4).putInt(body.length).array());
            wire.writeBytes(body);
        }
        byte[] sent = wire.toByteArray();
        Script in = Script.every(7, sent); // every frame starts at a different offset within a read
        FrameReader reader = reader(who, in);
        for (int i = 0; i < bodies.size(); i++) {
            byte[] got = reader.readFrame();
            int at = got == null ? -1 : Arrays.mismatch(got, bodies.get(i));
            check(got != null && at < 0, "40 frames of odd lengths with random bytes (seed 10), " + in.shape(),
                    "frame " + i + ": " + (got == null ? "null" : hex(got) + ", first difference at byte " + at),
                    "frame " + i + ": " + hex(bodies.get(i)), "each frame's bytes exactly, wherever its prefix falls in a read" + README);
        }
    }
}
