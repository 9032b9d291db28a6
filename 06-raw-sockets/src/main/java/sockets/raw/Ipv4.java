package sockets.raw;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** An IPv4 packet's header fields, and whether its header checksum is right. */
public record Ipv4(int headerLength, int totalLength, int ttl, int protocol, Inet4Address source,
        Inet4Address destination, boolean checksumValid, byte[] payload) {

    public static final int ICMP = 1;
    public static final int TCP = 6;
    public static final int UDP = 17;

    public static Ipv4 parse(byte[] packet, int offset) {
        if (packet.length - offset < 20 || (packet[offset] >> 4 & 0xF) != 4) {
            throw new IllegalArgumentException("not an IPv4 packet");
        }
        int ihl = (packet[offset] & 0xF) * 4;
        int total = ((packet[offset + 2] & 0xFF) << 8) | (packet[offset + 3] & 0xFF);
        int end = Math.min(packet.length, offset + total);
        return new Ipv4(ihl, total, packet[offset + 8] & 0xFF, packet[offset + 9] & 0xFF,
                address(packet, offset + 12), address(packet, offset + 16),
                InternetChecksum.valid(packet, offset, ihl), Arrays.copyOfRange(packet, offset + ihl, end));
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
