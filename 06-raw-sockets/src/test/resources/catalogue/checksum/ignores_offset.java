// fails: 4 | sum only its bytes
// Sums the first length bytes of the array, wherever the header starts.
package sockets.raw.exercises;

public final class InternetChecksum {

    private InternetChecksum() {
    }

    public static int of(byte[] data, int offset, int length) {
        long sum = 0;
        int i = 0;
        for (; i + 1 < length; i += 2) {
            sum += ((data[i] & 0xFF) << 8) | (data[i + 1] & 0xFF);
        }
        if (i < length) {
            sum += (data[i] & 0xFF) << 8;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (int) (~sum & 0xFFFF);
    }
}
