// fails: 1 | sum the 16-bit big-endian words
// Keeps only the low 16 bits of the sum: the carries are thrown away instead of added back.
package sockets.raw.exercises;

public final class InternetChecksum {

    private InternetChecksum() {
    }

    public static int of(byte[] data, int offset, int length) {
        long sum = 0;
        int i = offset;
        for (; i + 1 < offset + length; i += 2) {
            sum += ((data[i] & 0xFF) << 8) | (data[i + 1] & 0xFF);
        }
        if (i < offset + length) {
            sum += (data[i] & 0xFF) << 8;
        }
        return (int) (~sum & 0xFFFF);
    }
}
