package sockets.framing;

import java.util.Random;

/** The three ways F-12 compares to put integers on the wire, written plainly for measuring. */
final class IntegerEncodings {

    private IntegerEncodings() {
    }

    static int[] sample(String distribution, int n, Random random) {
        int[] values = new int[n];
        for (int i = 0; i < n; i++) {
            values[i] = switch (distribution) {
                case "zero-or-one" -> random.nextInt(2);
                case "below-1000" -> random.nextInt(1000);
                case "uniform-int32" -> random.nextInt();
                default -> throw new IllegalArgumentException(distribution);
            };
        }
        return values;
    }

    /** Writes every value into {@code out}; returns the bytes used. */
    static int encode(String encoding, int[] values, byte[] out) {
        int at = 0;
        for (int v : values) {
            switch (encoding) {
                case "ascii" -> { // decimal digits, then a newline as the delimiter
                    String digits = Integer.toString(v);
                    for (int i = 0; i < digits.length(); i++) {
                        out[at++] = (byte) digits.charAt(i);
                    }
                    out[at++] = '\n';
                }
                case "int32" -> { // four bytes, big-endian
                    out[at++] = (byte) (v >>> 24);
                    out[at++] = (byte) (v >>> 16);
                    out[at++] = (byte) (v >>> 8);
                    out[at++] = (byte) v;
                }
                case "varint" -> { // LEB128 of the zigzag form: small magnitudes take few bytes
                    int z = (v << 1) ^ (v >> 31);
                    while ((z & ~0x7F) != 0) {
                        out[at++] = (byte) ((z & 0x7F) | 0x80);
                        z >>>= 7;
                    }
                    out[at++] = (byte) z;
                }
                default -> throw new IllegalArgumentException(encoding);
            }
        }
        return at;
    }

    /** Decodes {@code length} bytes and returns the sum of the values, so nothing is optimised away. */
    static long decodeSum(String encoding, byte[] in, int length) {
        long sum = 0;
        int at = 0;
        while (at < length) {
            switch (encoding) {
                case "ascii" -> {
                    boolean negative = in[at] == '-';
                    if (negative) {
                        at++;
                    }
                    long v = 0;
                    while (in[at] != '\n') {
                        v = v * 10 + (in[at++] - '0');
                    }
                    at++;
                    sum += negative ? -v : v;
                }
                case "int32" -> {
                    sum += (in[at] << 24) | (in[at + 1] & 0xFF) << 16 | (in[at + 2] & 0xFF) << 8 | (in[at + 3] & 0xFF);
                    at += 4;
                }
                case "varint" -> {
                    int z = 0;
                    int shift = 0;
                    byte b;
                    do {
                        b = in[at++];
                        z |= (b & 0x7F) << shift;
                        shift += 7;
                    } while (b < 0);
                    sum += (z >>> 1) ^ -(z & 1);
                }
                default -> throw new IllegalArgumentException(encoding);
            }
        }
        return sum;
    }
}
