package sockets.raw.exercises;

import sockets.exercise.NotWrittenYet;
import sockets.raw.Ipv4;

/**
 * EXERCISE ipv4-header (06-raw-sockets/run exercise ipv4-header): read an IPv4 header from the
 * bytes a raw socket receives, and refuse bytes that are not one. No privilege needed.
 *
 * <p>Layout (RFC 791): byte 0 is version (high 4 bits, must be 4) and IHL (low 4 bits, the header
 * length in 32-bit words, at least 5); bytes 2-3 the total length; byte 8 TTL; byte 9 protocol;
 * bytes 12-15 source; 16-19 destination. The stages: a well-formed header; a wrong checksum
 * (report it, do not throw); options (IHL above 5); a packet shorter than 20 bytes; fields that
 * contradict the length; a capture cut short; and 5,000 random inputs, which may only ever give an
 * {@link Ipv4} or a {@link sockets.raw.MalformedPacketException}.
 */
public final class Ipv4Header {

    private Ipv4Header() {
    }

    /** The header at {@code packet[offset]}; the payload is what follows it, up to the total length. */
    public static Ipv4 parse(byte[] packet, int offset) {
        throw new NotWrittenYet("Ipv4Header.parse");
    }
}
