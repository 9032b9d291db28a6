package sockets.raw;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 packet's header fields, and whether its header checksum is right. {@link #parse} checks
 * every length before it uses it and throws {@link MalformedPacketException}, and nothing else,
 * for bytes that are not a well-formed IPv4 header.
 */
public record Ipv4(int headerLength, int totalLength, int ttl, int protocol, Inet4Address source,
        Inet4Address destination, boolean checksumValid, byte[] payload, int flagsAndOffset) {

    public static final int ICMP = 1;
    public static final int TCP = 6;
    public static final int UDP = 17;

    /** A whole (unfragmented) packet's header: flags and fragment offset 0. */
    public Ipv4(int headerLength, int totalLength, int ttl, int protocol, Inet4Address source,
            Inet4Address destination, boolean checksumValid, byte[] payload) {
        this(headerLength, totalLength, ttl, protocol, source, destination, checksumValid, payload, 0);
    }

    /** Where this fragment's bytes start in the original datagram, in bytes (0 for the first). */
    public int fragmentOffset() {
        return (flagsAndOffset & 0x1FFF) * 8;
    }

    /** The "more fragments" flag: further fragments of the same datagram follow. */
    public boolean moreFragments() {
        return (flagsAndOffset & 0x2000) != 0;
    }

    /**
     * Whether this packet is a piece of a larger datagram: its payload is not a whole transport
     * message (a later fragment has no transport header at all), so it must not be decoded as one.
     */
    public boolean fragment() {
        return moreFragments() || fragmentOffset() != 0;
    }

    public static Ipv4 parse(byte[] packet, int offset) {
        MalformedPacketException.require(offset >= 0 && packet.length - offset >= 20,
                "an IPv4 header has at least 20 bytes, this packet " + (packet.length - offset));
        MalformedPacketException.require((packet[offset] >> 4 & 0xF) == 4, "not IPv4: version " + (packet[offset] >> 4 & 0xF));
        int ihl = (packet[offset] & 0xF) * 4;
        int total = ((packet[offset + 2] & 0xFF) << 8) | (packet[offset + 3] & 0xFF);
        MalformedPacketException.require(ihl >= 20, "header length " + ihl + " is below the minimum of 20");
        MalformedPacketException.require(ihl <= packet.length - offset, "header length " + ihl + " is more than the "
                + (packet.length - offset) + " bytes received");
        MalformedPacketException.require(total >= ihl, "total length " + total + " is less than the header's " + ihl);
        int end = Math.min(packet.length, offset + total); // a capture may have cut the packet short
        return new Ipv4(ihl, total, packet[offset + 8] & 0xFF, packet[offset + 9] & 0xFF,
                address(packet, offset + 12), address(packet, offset + 16),
                InternetChecksum.valid(packet, offset, ihl), Arrays.copyOfRange(packet, offset + ihl, end),
                ((packet[offset + 6] & 0xFF) << 8) | (packet[offset + 7] & 0xFF));
    }

    private static Inet4Address address(byte[] b, int at) {
        try {
            return (Inet4Address) InetAddress.getByAddress(Arrays.copyOfRange(b, at, at + 4));
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    public String protocolName() {
        return switch (protocol) {
            case ICMP -> "ICMP";
            case TCP -> "TCP";
            case UDP -> "UDP";
            default -> "protocol " + protocol;
        };
    }
}
