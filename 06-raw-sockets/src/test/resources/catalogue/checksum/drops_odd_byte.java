// fails: 2 | the last byte f6 counts as the word f600
// Walks whole words only: an odd last byte is never summed.
package sockets.raw.exercises;

public final class InternetChecksum {

    private InternetChecksum() {
    }

    public static int of(byte[] data, int offset, int length) {
        long sum = 0;
        for (int i = offset; i + 1 < offset + length; i += 2) {
            sum += ((data[i] & 0xFF) << 8) | (data[i + 1] & 0xFF);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (int) (~sum & 0xFFFF);
    }
}
