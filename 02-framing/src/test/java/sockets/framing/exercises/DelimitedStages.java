package sockets.framing.exercises;

import static sockets.exercise.Teach.check;
import static sockets.exercise.Teach.hex;
import static sockets.exercise.Teach.thrown;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
import sockets.framing.NaiveFraming;
import sockets.framing.TruncatedFrameException;

/**
 * The stages of the delimited exercise; the reference is {@link sockets.framing.DelimitedReader},
 * the naive code {@link NaiveFraming#readLineWithFreshReader}, which loses what it read past a line.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(Who.Resolver.class)
class DelimitedStages {

    private static final String README = " (02-framing/README.md, \"Delimiters: frame the bytes, then decode\")";
    private static final int LIMIT = 64;
    private static final byte[] LF = {'\n'};
    private static final byte[] CRLF = {'\r', '\n'};

    private static FrameReader reader(Who who, InputStream in, byte[] delimiter) {
        return reader(who, in, delimiter, LIMIT);
    }

    private static FrameReader reader(Who who, InputStream in, byte[] delimiter, int limit) {
        return who.pick(() -> new DelimitedReader(in, delimiter, limit),
                () -> new sockets.framing.DelimitedReader(in, delimiter, limit),
                () -> () -> {
                    String line = NaiveFraming.readLineWithFreshReader(in);
                    return line == null ? null : line.getBytes(StandardCharsets.UTF_8);
                });
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void expectFrame(FrameReader reader, Script in, byte[] sent, String expected, String why) throws IOException {
        byte[] got = reader.readFrame();
        check(got != null && Arrays.equals(got, bytes(expected)), hex(sent) + ", " + in.shape(),
                got == null ? "null (end of stream)" : hex(got), hex(bytes(expected)), why + README);
    }

    @Test
    @Order(1)
    @DisplayName("1. a line that arrives in one read")
    void oneRead(Who who) throws IOException {
        byte[] sent = bytes("hello\n");
        Script in = Script.pieces(sent);
        FrameReader reader = reader(who, in, LF);
        expectFrame(reader, in, sent, "hello", "the frame is everything before the delimiter, without it");
        byte[] after = reader.readFrame();
        check(after == null, hex(sent) + ", then end of stream", hex(after), "null", "the stream ended cleanly between frames");
    }

    @Test
    @Order(2)
    @DisplayName("2. a line that arrives one byte per read")
    void oneBytePerRead(Who who) throws IOException {
        byte[] sent = bytes("one byte at a time\n");
        Script in = Script.every(1, sent);
        expectFrame(reader(who, in, LF), in, sent, "one byte at a time",
                "one read is not one message (F-01): keep reading until the delimiter arrives");
    }

    @Test
    @Order(3)
    @DisplayName("3. two lines in one read: the second is kept for the next call")
    void twoInOneRead(Who who) throws IOException {
        byte[] sent = bytes("first\nsecond\n");
        Script in = Script.pieces(sent);
        FrameReader reader = reader(who, in, LF);
        expectFrame(reader, in, sent, "first", "the first line");
        expectFrame(reader, in, sent, "second",
                "bytes read past the delimiter are the next message: the reader must keep them (F-09)");
    }

    @Test
    @Order(4)
    @DisplayName("4. a delimiter split between two reads (two and four bytes long), or right after a stray \\r")
    void splitDelimiter(Who who) throws IOException {
        byte[] sent = bytes("GET /\r\nHost: x\r\n");
        Script in = Script.pieces(Arrays.copyOf(sent, 6), Arrays.copyOfRange(sent, 6, 11), Arrays.copyOfRange(sent, 11, sent.length));
        FrameReader reader = reader(who, in, CRLF);
        expectFrame(reader, in, sent, "GET /", "\\r arrived at the end of one read and \\n at the start of the next");
        expectFrame(reader, in, sent, "Host: x", "the second frame");
        // A four-byte delimiter with two of its bytes in the first read: searching again from one byte back is not enough.
        byte[] headers = bytes("abc\r\n\r\nnext\r\n\r\n");
        Script split = Script.pieces(Arrays.copyOf(headers, 5), Arrays.copyOfRange(headers, 5, headers.length));
        FrameReader blank = reader(who, split, bytes("\r\n\r\n"));
        String longer = "with the delimiter \\r\\n\\r\\n, \\r\\n arrived at the end of one read and \\r\\n at the start of the next:"
                + " after a read, search again from delimiter.length - 1 bytes before the new ones, not from one byte before";
        expectFrame(blank, split, headers, "abc", longer);
        expectFrame(blank, split, headers, "next", longer);
        // A byte that breaks a partial match may itself start the delimiter: \r\r\n ends a line that ends in \r.
        byte[] stray = bytes("abc\r\r\ndef\r\n");
        Script once = Script.pieces(stray);
        FrameReader crlf = reader(who, once, CRLF);
        String again = "with the delimiter \\r\\n, the line is \"abc\\r\": when a byte breaks a partial match (the second \\r),"
                + " that byte may be the start of the delimiter, so look at it again (or compare the whole delimiter at each position)";
        expectFrame(crlf, once, stray, "abc\r", again);
        expectFrame(crlf, once, stray, "def", again);
    }

    @Test
    @Order(5)
    @DisplayName("5. a line over the limit is refused, with bounded memory, even when its delimiter came in the same read")
    void overTheLimit(Who who) throws IOException {
        byte[] sent = new byte[100_000];
        Arrays.fill(sent, (byte) 'a');
        Script in = Script.every(1000, sent);
        String why = "a peer that never sends the delimiter must not make the reader hold everything it sends" + README;
        try {
            byte[] got = reader(who, in, LF).readFrame();
            throw Teach.failure("100000 x 'a', no newline, limit " + LIMIT, hex(got), "FramingException", why);
        } catch (TruncatedFrameException e) {
            throw Teach.failure("100000 x 'a', no newline, limit " + LIMIT, thrown(e),
                    "FramingException after at most " + (LIMIT + 1) + " bytes (it read " + in.consumed() + ")", why);
        } catch (FramingException expected) {
            check(in.consumed() <= 8192, "100000 x 'a', no newline, limit " + LIMIT, "FramingException after reading "
                    + in.consumed() + " bytes", "FramingException once more than " + LIMIT + " bytes are held", why);
        }
        // One byte over the limit, with its \n in the same read: a limit checked only when the buffer must grow never sees it.
        byte[] over = new byte[LIMIT + 2];
        Arrays.fill(over, (byte) 'b');
        over[LIMIT + 1] = '\n';
        String overWhy = "the limit is on the line, not on when the buffer happens to fill: a line of " + (LIMIT + 1)
                + " bytes is too long even when its delimiter is already in the buffer; check the line's length when the"
                + " delimiter is found too" + README;
        String what = (LIMIT + 1) + " x 'b' then \\n, all in one read, limit " + LIMIT;
        try {
            byte[] got = reader(who, Script.pieces(over), LF).readFrame();
            throw Teach.failure(what, got == null ? "null" : "a line of " + got.length + " bytes: " + hex(got),
                    "FramingException: more than " + LIMIT + " bytes without a delimiter", overWhy);
        } catch (TruncatedFrameException e) {
            throw Teach.failure(what, thrown(e), "FramingException: more than " + LIMIT + " bytes without a delimiter", overWhy);
        } catch (FramingException expected) {
            // right
        }
    }

    @Test
    @Order(6)
    @DisplayName("6. the stream ends inside a line")
    void truncated(Who who) throws IOException {
        byte[] sent = bytes("no newline here");
        Script in = Script.pieces(sent);
        try {
            byte[] got = reader(who, in, LF).readFrame();
            throw Teach.failure(hex(sent) + ", then end of stream", got == null ? "null" : hex(got), "TruncatedFrameException",
                    "bytes after the last delimiter are an unfinished frame: report it, do not return it as a line" + README);
        } catch (TruncatedFrameException expected) {
            // right
        }
    }

    @Test
    @Order(7)
    @DisplayName("7. a read timeout, in the middle of a line or before it, reaches the caller and loses nothing")
    void timeoutKeepsBytes(Who who) throws IOException {
        byte[] sent = bytes("wait for it\n");
        Script in = Script.pieces(Arrays.copyOf(sent, 4), Script.TIMEOUT, Arrays.copyOfRange(sent, 4, sent.length));
        FrameReader reader = reader(who, in, LF);
        try {
            byte[] got = reader.readFrame();
            throw Teach.failure("4 bytes then a read timeout", hex(got), "SocketTimeoutException", "the timeout must reach the caller");
        } catch (SocketTimeoutException expected) {
            // the caller may do something else and read again
        }
        expectFrame(reader, in, sent, "wait for it", "after a timeout the caller reads again; the 4 bytes read before belong to this line");
        // Nothing buffered: an idle peer is not a closed one.
        byte[] idle = bytes("idle\n");
        Script quiet = Script.pieces(Script.TIMEOUT, idle);
        FrameReader second = reader(who, quiet, LF);
        String idleWhy = "a timeout with nothing buffered means only that nothing came in time: the peer is idle, not gone;"
                + " let the SocketTimeoutException reach the caller (null is only for the end of the stream)" + README;
        try {
            byte[] got = second.readFrame();
            throw Teach.failure("a read timeout before any byte of a line (then " + hex(idle) + ")", got == null ? "null (end of stream)" : hex(got),
                    "SocketTimeoutException", idleWhy);
        } catch (SocketTimeoutException expected) {
            // the caller may do something else and read again
        }
        expectFrame(second, quiet, idle, "idle", "after the timeout the caller reads again, and the line that comes then is read");
    }

    @Test
    @Order(8)
    @DisplayName("8. boundaries and values: an empty line first, a line of exactly the limit, lines of many lengths cut at odd places, bytes that are not text")
    void boundariesAndValues(Who who) throws IOException {
        java.util.Random random = new java.util.Random(8);
        // Limit 64, with \n and with \r\n: an empty line first (the delimiter at offset 0), then a
        // line of exactly the limit, then lines of 0 to 64 random bytes, in reads of 7 bytes, so
        // that lines start at every offset of a read and \r\n is split in every way.
        manyLines(who, LF, LIMIT, 7, random);
        manyLines(who, CRLF, LIMIT, 7, random);
        // A limit above 8 KiB: long lines make a buffer grow, short ones after them must still come out whole.
        manyLines(who, LF, 20_000, 4093, random);
        // Frames are bytes: not UTF-8 at all, and a UTF-8 character split between two reads, must come back byte for byte.
        notText(who, new byte[] {(byte) 0xff, (byte) 0x80, '\n'}, 2); // not UTF-8 at all
        notText(who, new byte[] {'c', 'a', 'f', (byte) 0xc3, (byte) 0xa9, '\n'}, 4); // "café", the é (c3 a9) cut in two
    }

    /** A line of {@code sent} (ended by \n) cut after {@code cut} bytes must come back as its bytes exactly. */
    private static void notText(Who who, byte[] sent, int cut) throws IOException {
        byte[] line = Arrays.copyOf(sent, sent.length - 1);
        Script in = Script.pieces(Arrays.copyOf(sent, cut), Arrays.copyOfRange(sent, cut, sent.length));
        byte[] got = reader(who, in, LF).readFrame();
        int at = got == null ? -1 : Arrays.mismatch(got, line);
        check(got != null && at < 0, hex(sent) + ", " + in.shape(), got == null ? "null (end of stream)"
                : hex(got) + (at >= 0 ? ", first difference at byte " + at : ""), hex(line),
                "a frame is bytes, not text: find the delimiter in the bytes and return them as they came; decoding them"
                        + " (a String, a StringBuilder, a Reader) changes bytes that are not UTF-8 and a character split"
                        + " between two reads into U+FFFD (ef bf bd)" + README);
    }

    private static void manyLines(Who who, byte[] delimiter, int limit, int readSize, java.util.Random random) throws IOException {
        java.util.List<byte[]> lines = new java.util.ArrayList<>();
        java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 60; i++) {
            int length = i == 0 ? 0 : i == 1 ? limit : limit > 8192 && i % 2 == 0 ? 8192 + random.nextInt(limit - 8191) : random.nextInt(Math.min(limit, 200) + 1);
            byte[] line = new byte[length];
            for (int j = 0; j < length; j++) {
                line[j] = (byte) (' ' + random.nextInt(95)); // printable ASCII: never \r or \n
            }
            lines.add(line);
            wire.writeBytes(line);
            wire.writeBytes(delimiter);
        }
        byte[] sent = wire.toByteArray();
        Script in = Script.every(readSize, sent);
        String what = "60 lines (seed 8) ended by " + (delimiter.length == 1 ? "\\n" : "\\r\\n") + ", limit " + limit
                + ": an empty one, one of exactly the limit, then random lengths; " + in.shape();
        FrameReader reader = reader(who, in, delimiter, limit);
        for (int i = 0; i < lines.size(); i++) {
            byte[] got;
            try {
                got = reader.readFrame();
            } catch (FramingException e) {
                throw Teach.failure(what, "line " + i + " (" + lines.get(i).length + " bytes): " + thrown(e), "line " + i + ": "
                        + hex(lines.get(i)), "the limit is the longest line allowed, not the first one refused, and bytes already"
                                + " returned do not count against the next line" + README);
            }
            int at = got == null ? -1 : Arrays.mismatch(got, lines.get(i));
            check(got != null && at < 0, what, "line " + i + ": " + (got == null ? "null (end of stream)" : hex(got)
                    + (at >= 0 ? ", first difference at byte " + at : "")), "line " + i + ": " + hex(lines.get(i)),
                    "each line's bytes exactly, wherever it starts in a read and however the delimiter is split" + README);
        }
        check(reader.readFrame() == null, what, "more after the last line", "null: the stream ended cleanly", "the end of the stream" + README);
    }
}
