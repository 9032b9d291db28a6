package sockets.raw;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An Ethernet II frame as a raw socket sends and receives it: destination MAC, source MAC,
 * ethertype, payload. No preamble and no frame check sequence: the network card adds and strips
 * those itself (so a "checksum" appended by hand, as the seed does, is just more payload: BUG-33).
 */
public record Ethernet(byte[] destination, byte[] source, int ethertype, byte[] payload) {

    public static final int HEADER = 14;
    public static final int IPV4 = 0x0800;
    /** IEEE 802 "local experimental" ethertype, free for experiments like this one. */
    public static final int LOCAL_EXPERIMENTAL = 0x88B5;

    // tag::build[]
    public byte[] toBytes() {
        return ByteBuffer.allocate(HEADER + payload.length) // ByteBuffer is big-endian: network order
                .put(destination).put(source).putShort((short) ethertype).put(payload).array();
    }
    // end::build[]

    public static Ethernet parse(byte[] frame) {
        if (frame.length < HEADER) {
            throw new MalformedPacketException("an Ethernet frame has at least 14 bytes, this one " + frame.length);
        }
        ByteBuffer b = ByteBuffer.wrap(frame);
        byte[] dst = new byte[6];
        byte[] src = new byte[6];
        b.get(dst).get(src);
        int type = b.getShort() & 0xFFFF;
        return new Ethernet(dst, src, type, Arrays.copyOfRange(frame, HEADER, frame.length));
    }

    /** "02:00:00:00:00:01" to six bytes. */
    public static byte[] mac(String text) {
        String hex = text.replace(":", "").replace("-", "");
        if (hex.length() != 12) {
            throw new IllegalArgumentException("a MAC address is six bytes such as 02:00:00:00:00:01, not '" + text + "'");
        }
        return HexFormat.of().parseHex(hex);
    }

    public static String mac(byte[] bytes) {
        return HexFormat.ofDelimiter(":").formatHex(bytes);
    }

    /** The group bit: set for multicast and broadcast, so never valid as a source (BUG-32). */
    public static boolean isGroupAddress(byte[] mac) {
        return (mac[0] & 0x01) != 0;
    }

    /** The locally administered bit: set for addresses not assigned by a manufacturer. */
    public static boolean isLocallyAdministered(byte[] mac) {
        return (mac[0] & 0x02) != 0;
    }
}
