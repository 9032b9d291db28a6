package sockets.udp;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;

/** Receiving datagrams without losing the fact that one was too big, and request ids. */
public final class Datagrams {

    /** The largest UDP payload over IPv4: 65,535 minus the 8-byte UDP and 20-byte IP headers. */
    public static final int LARGEST_IPV4_PAYLOAD = 65_507;

    /**
     * The largest UDP payload over either IP version (jumbograms aside): 65,535 minus the 8-byte UDP
     * header, which IPv6 allows because its 40-byte header is not counted in its payload length.
     * A receive buffer for "any datagram" must be one byte larger than this, not than the IPv4 limit.
     */
    public static final int LARGEST_PAYLOAD = 65_527;

    private Datagrams() {
    }

    /** One received datagram: who sent it and its bytes, or the fact that it was over the limit. */
    public record Received(SocketAddress sender, byte[] payload, boolean tooLarge) {
    }

    // tag::receive-checked[]
    /**
     * Receives one datagram of at most {@code max} bytes. The kernel cuts a datagram that does not
     * fit the buffer and says nothing (U-06), so the buffer is one byte larger than the limit: a
     * datagram that fills it was too large, and is reported as such instead of passed on cut.
     *
     * @param buffer a buffer of at least {@code max + 1} bytes, reused between calls
     */
    public static Received receive(DatagramChannel channel, ByteBuffer buffer, int max) throws IOException {
        if (buffer.capacity() < max + 1) {
            throw new IllegalArgumentException("the buffer must hold max + 1 bytes to detect truncation");
        }
        buffer.clear().limit(max + 1);
        SocketAddress sender = channel.receive(buffer); // blocks; null only in non-blocking mode
        if (sender == null) {
            return null;
        }
        buffer.flip();
        if (buffer.remaining() > max) {
            return new Received(sender, new byte[0], true);
        }
        byte[] payload = new byte[buffer.remaining()];
        buffer.get(payload);
        return new Received(sender, payload, false);
    }
    // end::receive-checked[]

    /** A request id is a leading {@code #digits } on the datagram; returns it, or -1 if there is none. */
    public static long requestId(byte[] datagram) {
        if (datagram.length < 3 || datagram[0] != '#') {
            return -1;
        }
        long id = 0;
        int i = 1;
        for (; i < datagram.length && i <= 19 && datagram[i] >= '0' && datagram[i] <= '9'; i++) {
            if (id > (Long.MAX_VALUE - (datagram[i] - '0')) / 10) {
                return -1; // over Long.MAX_VALUE: would wrap round to another request's number
            }
            id = id * 10 + (datagram[i] - '0');
        }
        return i > 1 && i < datagram.length && datagram[i] == ' ' ? id : -1;
    }

    /** {@code #id } followed by {@code body}. */
    public static byte[] withId(long id, byte[] body) {
        byte[] prefix = ("#" + id + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(body, 0, out, prefix.length, body.length);
        return out;
    }

    /** Bytes as text for a log line: UTF-8, with control characters escaped so a datagram cannot forge log lines. */
    public static String printable(byte[] bytes, int most) {
        String text = new String(bytes, 0, Math.min(bytes.length, most), StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7F) {
                out.append(String.format("\\x%02x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return bytes.length > most ? out + "…" : out.toString();
    }
}
