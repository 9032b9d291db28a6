package sockets.framing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Deliberately wrong: each method is a way of reading or writing messages that assumes one
 * {@code read} or {@code write} is one message. They are here so that the tests and the demo can
 * show each one failing. Do not copy them; the classes they are compared with are the fixes.
 */
public final class NaiveFraming {

    private NaiveFraming() {
    }

    // tag::one-read[]
    /** Deliberately wrong (F-01, F-09): takes whatever one read returns as one message. */
    public static byte[] readMessage(InputStream in) throws IOException {
        byte[] buffer = new byte[4096];
        int n = in.read(buffer);
        return n == -1 ? null : Arrays.copyOf(buffer, n);
    }
    // end::one-read[]

    // tag::split-prefix[]
    /**
     * Deliberately wrong (F-10): reads the HOWTO's five-digit length with one read. When only "00"
     * has arrived, it parses a length from two digits and the rest of the stream is misread.
     */
    public static byte[] readAsciiLengthFrame(InputStream in) throws IOException {
        byte[] prefix = new byte[5];
        int n = in.read(prefix, 0, 5); // may return 1, 2, 3 or 4
        int length = Integer.parseInt(new String(prefix, 0, n, StandardCharsets.US_ASCII));
        return in.readNBytes(length);
    }
    // end::split-prefix[]

    /**
     * Deliberately wrong (F-06): reads the type byte with one large read, as if it could only
     * bring the type; body bytes that came along with it are dropped.
     */
    public static byte[] readTypedFrame(InputStream in, int bodyLength) throws IOException {
        byte[] first = new byte[1024];
        int n = in.read(first);
        if (n == -1) {
            return null;
        }
        byte[] body = in.readNBytes(bodyLength);
        byte[] frame = new byte[1 + body.length];
        frame[0] = first[0];
        System.arraycopy(body, 0, frame, 1, body.length);
        return frame;
    }

    /** Deliberately wrong (F-07): decodes each chunk on its own, splitting multi-byte characters. */
    public static String decodeEachRead(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[4096];
        int n;
        while ((n = in.read(buffer)) != -1) {
            text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
        return text.toString();
    }

    // tag::reader-per-message[]
    /**
     * Deliberately wrong (F-09): a new BufferedReader for each message. It reads ahead up to
     * 8 KiB; whatever it read past the first line is thrown away with it.
     */
    public static String readLineWithFreshReader(InputStream in) throws IOException {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
    }
    // end::reader-per-message[]

    /** Deliberately wrong (F-03): reads "the reply" to end of stream on a connection that stays open. */
    public static byte[] readReply(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    // tag::one-write[]
    /** Deliberately wrong (F-02): one non-blocking write, taken as "sent". Returns the bytes it believes it sent. */
    public static int send(SocketChannel channel, ByteBuffer message) throws IOException {
        int size = message.remaining();
        channel.write(message); // writes what fits in the send buffer, possibly 0 bytes
        return size;
    }
    // end::one-write[]
}
