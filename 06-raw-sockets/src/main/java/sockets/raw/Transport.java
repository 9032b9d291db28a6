package sockets.raw;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The UDP, TCP and ICMP headers this lesson reads and writes. Every {@code parse} checks the
 * length it is given first and throws {@link MalformedPacketException}, and nothing else, for
 * bytes too short for the header or whose length field contradicts them.
 */
public final class Transport {

    private Transport() {
    }

    /** A UDP datagram: ports, length, checksum (0 means "not computed"), payload. */
    public record Udp(int sourcePort, int destinationPort, int length, int checksum, byte[] payload) {
        public static Udp parse(byte[] b) {
            MalformedPacketException.require(b.length >= 8, "a UDP header has 8 bytes, this datagram " + b.length);
            int length = u16(b, 4);
            MalformedPacketException.require(length >= 8, "UDP length " + length + " is less than its 8-byte header");
            return new Udp(u16(b, 0), u16(b, 2), length, u16(b, 6), Arrays.copyOfRange(b, 8, Math.min(b.length, length)));
        }

        /**
         * Checks the checksum over the IPv4 pseudo-header and the datagram (RFC 768). The datagram
         * is the first {@link #length} bytes, as its length field says: bytes after it (Ethernet
         * padding, for one) are not part of it; a datagram cut shorter than its length cannot be
         * checked and is not valid.
         */
        public boolean checksumValid(Ipv4 ip, byte[] datagram) {
            if (checksum == 0) {
                return true; // not computed by the sender: allowed over IPv4
            }
            if (datagram.length < length) {
                return false; // cut short (a capture's snap length): the sum cannot be checked
            }
            byte[] pseudo = pseudoHeaderAndDatagram(ip, Arrays.copyOf(datagram, length));
            return InternetChecksum.valid(pseudo, 0, pseudo.length);
        }

        /**
         * Whether the checksum field holds only the pseudo-header's sum, which the kernel leaves for
         * the network card to finish (checksum offload, the seed's R-02). On {@code lo} nothing
         * finishes it, so a capture shows this "partial" value instead of a valid checksum.
         */
        public boolean checksumLeftForOffload(Ipv4 ip) {
            byte[] pseudo = pseudoHeaderAndDatagram(ip, new byte[0]);
            pseudo[10] = (byte) (length >> 8);
            pseudo[11] = (byte) length;
            int partial = ~InternetChecksum.of(pseudo, 0, 12) & 0xFFFF; // the folded sum, not complemented
            return checksum == partial;
        }

        private static byte[] pseudoHeaderAndDatagram(Ipv4 ip, byte[] datagram) {
            byte[] pseudo = new byte[12 + datagram.length];
            System.arraycopy(ip.source().getAddress(), 0, pseudo, 0, 4);
            System.arraycopy(ip.destination().getAddress(), 0, pseudo, 4, 4);
            pseudo[9] = (byte) Ipv4.UDP;
            pseudo[10] = (byte) (datagram.length >> 8);
            pseudo[11] = (byte) datagram.length;
            System.arraycopy(datagram, 0, pseudo, 12, datagram.length);
            return pseudo;
        }
    }

    /** A TCP segment's ports, sequence numbers and flags. */
    public record Tcp(int sourcePort, int destinationPort, long sequence, long acknowledgement, int flags,
            int headerLength) {
        public static Tcp parse(byte[] b) {
            MalformedPacketException.require(b.length >= 20, "a TCP header has at least 20 bytes, this segment " + b.length);
            int dataOffset = (b[12] >> 4 & 0xF) * 4;
            MalformedPacketException.require(dataOffset >= 20 && dataOffset <= b.length,
                    "TCP data offset " + dataOffset + " does not fit a segment of " + b.length + " bytes");
            return new Tcp(u16(b, 0), u16(b, 2), u32(b, 4), u32(b, 8), b[13] & 0x3F, dataOffset);
        }

        /** "SYN", "SYN,ACK", "FIN,ACK", "RST" ... */
        public String flagNames() {
            String[] names = {"FIN", "SYN", "RST", "PSH", "ACK", "URG"};
            List<String> set = new ArrayList<>();
            for (int i = 0; i < names.length; i++) {
                if ((flags & (1 << i)) != 0) {
                    set.add(names[i]);
                }
            }
            return String.join(",", set);
        }
    }

    /** An ICMP message; echo request (8) and echo reply (0) carry an id and a sequence number. */
    public record Icmp(int type, int code, int identifier, int sequence, boolean checksumValid, byte[] payload) {
        public static final int ECHO_REPLY = 0;
        public static final int ECHO_REQUEST = 8;

        public static Icmp parse(byte[] b) {
            MalformedPacketException.require(b.length >= 8, "an ICMP header has 8 bytes, this message " + b.length);
            return new Icmp(b[0] & 0xFF, b[1] & 0xFF, u16(b, 4), u16(b, 6), InternetChecksum.valid(b, 0, b.length),
                    Arrays.copyOfRange(b, 8, b.length));
        }

        // tag::echo-request[]
        public static byte[] echoRequest(int identifier, int sequence, byte[] payload) {
            byte[] m = new byte[8 + payload.length];
            m[0] = ECHO_REQUEST;
            m[4] = (byte) (identifier >> 8);
            m[5] = (byte) identifier;
            m[6] = (byte) (sequence >> 8);
            m[7] = (byte) sequence;
            System.arraycopy(payload, 0, m, 8, payload.length);
            int checksum = InternetChecksum.of(m, 0, m.length); // computed with the field at zero
            m[2] = (byte) (checksum >> 8);
            m[3] = (byte) checksum;
            return m;
        }
        // end::echo-request[]
    }

    static int u16(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    static long u32(byte[] b, int at) {
        return ((long) u16(b, at) << 16) | u16(b, at + 2);
    }
}
