package sockets.raw;

/** The Internet checksum of RFC 1071, used by the IPv4 header, ICMP, UDP and TCP. */
public final class InternetChecksum {

    private InternetChecksum() {
    }

    // tag::checksum[]
    /** The one's complement of the one's complement sum of the data as 16-bit big-endian words. */
    public static int of(byte[] data, int offset, int length) {
        long sum = 0;
        int i = offset;
        for (; i + 1 < offset + length; i += 2) {
            sum += ((data[i] & 0xFF) << 8) | (data[i + 1] & 0xFF);
        }
        if (i < offset + length) {
            sum += (data[i] & 0xFF) << 8; // an odd last byte is padded with zero
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16); // fold the carries back in
        }
        return (int) (~sum & 0xFFFF);
    }
    // end::checksum[]

    /** A header or message whose checksum field is right sums (with that field) to zero. */
    public static boolean valid(byte[] data, int offset, int length) {
        return of(data, offset, length) == 0;
    }
}
