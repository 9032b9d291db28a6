// fails: 1 | sum the 16-bit big-endian words
// Reads each word little-endian (low byte first), as the machine's own order would: the sum is then
// byte-swapped, and so is the checksum it returns.
package sockets.raw.exercises;

public final class InternetChecksum {

    private InternetChecksum() {
    }

    public static int of(byte[] data, int offset, int length) {
        long sum = 0;
        int i = offset;
        for (; i + 1 < offset + length; i += 2) {
            sum += (data[i] & 0xFF) | ((data[i + 1] & 0xFF) << 8);
        }
        if (i < offset + length) {
            sum += data[i] & 0xFF;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (int) (~sum & 0xFFFF);
    }
}
