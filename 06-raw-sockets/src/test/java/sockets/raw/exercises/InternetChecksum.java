package sockets.raw.exercises;

import sockets.exercise.NotWrittenYet;

/**
 * EXERCISE checksum (06-raw-sockets/run exercise checksum): the Internet checksum of RFC 1071,
 * which the IPv4 header, ICMP, UDP and TCP all use. No privilege needed: it is arithmetic on bytes.
 *
 * <p>The stages, in order: RFC 1071's own example; an odd number of bytes; carries folded back in;
 * only the bytes from {@code offset} for {@code length}; a real IPv4 header; and any data with its
 * checksum filled in sums to zero.
 */
public final class InternetChecksum {

    private InternetChecksum() {
    }

    /** The one's complement of the one's complement sum of {@code data[offset, offset + length)} as 16-bit big-endian words. */
    public static int of(byte[] data, int offset, int length) {
        throw new NotWrittenYet("InternetChecksum.of");
    }
}
