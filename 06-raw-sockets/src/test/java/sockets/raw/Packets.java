package sockets.raw;

import java.net.InetAddress;

/** Crafted packets for the tests: an IPv4 header with a right checksum, in an Ethernet frame. */
final class Packets {

    private Packets() {
    }

    static byte[] ipv4(int protocol, byte[] payload, String source, String destination) throws Exception {
        byte[] p = new byte[20 + payload.length];
        p[0] = 0x45;
        p[2] = (byte) (p.length >> 8);
        p[3] = (byte) p.length;
        p[8] = 64;
        p[9] = (byte) protocol;
        System.arraycopy(InetAddress.getByName(source).getAddress(), 0, p, 12, 4);
        System.arraycopy(InetAddress.getByName(destination).getAddress(), 0, p, 16, 4);
        int sum = InternetChecksum.of(p, 0, 20);
        p[10] = (byte) (sum >> 8);
        p[11] = (byte) sum;
        System.arraycopy(payload, 0, p, 20, payload.length);
        return p;
    }

    static byte[] frame(int ethertype, byte[] payload) {
        return new Ethernet(Ethernet.mac("02:00:00:00:00:02"), Ethernet.mac("02:00:00:00:00:01"), ethertype, payload).toBytes();
    }
}
