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
        return who.pick(() -> new DelimitedReader(in, delimiter, LIMIT),
                () -> new sockets.framing.DelimitedReader(in, delimiter, LIMIT),
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
    @DisplayName("4. a two-byte delimiter split between two reads")
    void splitDelimiter(Who who) throws IOException {
        byte[] sent = bytes("GET /\r\nHost: x\r\n");
        Script in = Script.pieces(Arrays.copyOf(sent, 6), Arrays.copyOfRange(sent, 6, 11), Arrays.copyOfRange(sent, 11, sent.length));
        FrameReader reader = reader(who, in, CRLF);
        expectFrame(reader, in, sent, "GET /", "\\r arrived at the end of one read and \\n at the start of the next");
        expectFrame(reader, in, sent, "Host: x", "the second frame");
    }

    @Test
    @Order(5)
    @DisplayName("5. too many bytes without a delimiter are refused, with bounded memory")
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
    @DisplayName("7. a read timeout in the middle of a line loses nothing")
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
    }
}
