// fails: 1 | sum the 16-bit big-endian words
// Masks the high byte but not the low one: a low byte of 0x80 or more sign-extends over the whole word.
package sockets.raw.exercises;

public final class InternetChecksum {

    private InternetChecksum() {
    }

    public static int of(byte[] data, int offset, int length) {
        long sum = 0;
        int i = offset;
        for (; i + 1 < offset + length; i += 2) {
            sum += ((data[i] & 0xFF) << 8) | data[i + 1];
        }
        if (i < offset + length) {
            sum += (data[i] & 0xFF) << 8;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (int) (~sum & 0xFFFF);
    }
}
