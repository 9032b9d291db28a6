// fails: 1 | mask it
// Masks the high byte of the total length but not the low one: a low byte of 0x80 or more is
// negative, sign-extends, and the total becomes negative (then refused as shorter than the header).
package sockets.raw.exercises;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import sockets.raw.InternetChecksum;
import sockets.raw.Ipv4;
import sockets.raw.MalformedPacketException;

public final class Ipv4Header {

    private Ipv4Header() {
    }

    public static Ipv4 parse(byte[] packet, int offset) {
        if (offset < 0 || packet.length - offset < 20) {
            throw new MalformedPacketException("an IPv4 header has at least 20 bytes, this packet " + (packet.length - offset));
        }
        int version = (packet[offset] >> 4) & 0xF;
        if (version != 4) {
            throw new MalformedPacketException("not IPv4: version " + version);
        }
        int ihl = (packet[offset] & 0xF) * 4;
        int total = ((packet[offset + 2] & 0xFF) << 8) | packet[offset + 3];
        if (ihl < 20) {
            throw new MalformedPacketException("header length " + ihl + " is below the minimum of 20");
        }
        if (ihl > packet.length - offset) {
            throw new MalformedPacketException("header length " + ihl + " is more than the bytes received");
        }
        if (total < ihl) {
            throw new MalformedPacketException("total length " + total + " is less than the header");
        }
        int end = Math.min(packet.length, offset + total);
        int ttl = packet[offset + 8] & 0xFF;
        int protocol = packet[offset + 9] & 0xFF;
        boolean valid = InternetChecksum.valid(packet, offset, ihl);
        return new Ipv4(ihl, total, ttl, protocol, address(packet, offset + 12), address(packet, offset + 16),
                valid, Arrays.copyOfRange(packet, offset + ihl, end));
    }

    private static Inet4Address address(byte[] b, int at) {
        try {
            return (Inet4Address) InetAddress.getByAddress(Arrays.copyOfRange(b, at, at + 4));
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
