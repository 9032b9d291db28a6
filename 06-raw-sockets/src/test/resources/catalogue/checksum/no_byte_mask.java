// fails: 1 | sum the 16-bit big-endian words
// Forgets that Java bytes are signed: 0xf2 becomes -14, and the word f203 is summed as a negative number.
package sockets.raw.exercises;

public final class InternetChecksum {

    private InternetChecksum() {
    }

    public static int of(byte[] data, int offset, int length) {
        long sum = 0;
        int i = offset;
        for (; i + 1 < offset + length; i += 2) {
            sum += (data[i] << 8) | data[i + 1];
        }
        if (i < offset + length) {
            sum += data[i] << 8;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (int) (~sum & 0xFFFF);
    }
}
