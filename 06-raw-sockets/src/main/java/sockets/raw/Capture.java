package sockets.raw;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records every frame that crosses an interface (in practice {@code lo}), parsed by this lesson's
 * own Ethernet, IPv4, TCP, UDP and ICMP code, for as long as it is open: the engine behind the
 * course's pictures of the wire (the docs module's scenarios, and {@code docs/capture} to watch them).
 *
 * <p>On {@code lo} the kernel shows every frame twice, once leaving and once arriving. A capture
 * keeps the leaving copy ({@link RawSocket#PACKET_OUTGOING}): the kernel hands it to the capture
 * while the sender is still in its {@code write}, {@code close} or {@code connect} call, so once
 * such a call has returned, its frame is in the capture's queue. {@link #sync()} then makes the
 * capture read everything queued so far: it sends a marker frame of its own and reads until the
 * marker comes back. What a sync cannot know about is a frame the kernel has not sent yet (a
 * delayed acknowledgement, a retransmission): a scenario that draws a frame waits for something
 * that proves it was sent, such as the other side having read its bytes.
 *
 * <p>Needs {@code CAP_NET_RAW}. Not thread-safe: one thread drives a capture. A capture that
 * is not read for long can miss frames when its socket's receive buffer fills up; {@link Sequence}
 * counts the TCP segments that went missing ({@link Sequence#missed()}).
 */
public final class Capture implements AutoCloseable {

    /** One frame as the pictures need it. {@code protocol} is "TCP", "UDP", "ICMP", "IPv4", "IPv6" or "ETH". */
    public record Packet(String protocol, int ethertype, int frameLength, String source, int sourcePort,
            String destination, int destinationPort, int flags, long sequence, long acknowledgement, int window,
            int payloadLength, int icmpType) {

        public static final int FIN = 0x01;
        public static final int SYN = 0x02;
        public static final int RST = 0x04;
        public static final int PSH = 0x08;
        public static final int ACK = 0x10;

        public boolean tcp() {
            return protocol.equals("TCP");
        }

        public boolean has(int flag) {
            return (flags & flag) != 0;
        }

        /** "127.0.0.1:5001", or the address alone where there are no ports. */
        public String from() {
            return sourcePort < 0 ? source : source + ":" + sourcePort;
        }

        public String to() {
            return destinationPort < 0 ? destination : destination + ":" + destinationPort;
        }
    }

    private static final byte[] MARKER_MAC = Ethernet.mac("02:00:00:00:00:fe");
    private static final String MARKER = "capture-sync ";
    private static final AtomicLong MARKERS = new AtomicLong();
    /** Enough for every header this lesson parses; the lengths come from the headers, not from the bytes kept. */
    private static final int SNAP = 256;

    private final RawSocket socket;
    private final RawSocket marker;
    private final List<Packet> packets = new ArrayList<>();

    private Capture(RawSocket socket, RawSocket marker) {
        this.socket = socket;
        this.marker = marker;
    }

    /** Starts recording every frame on {@code iface}. */
    public static Capture start(String iface) throws RawSocketException {
        RawSocket socket = RawSocket.packet(iface, LibC.ETH_P_ALL);
        try {
            return new Capture(socket, RawSocket.packet(iface, Ethernet.LOCAL_EXPERIMENTAL));
        } catch (RawSocketException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Reads every frame sent on the interface before this call, and returns those not returned by
     * an earlier sync, in the order they left their senders.
     *
     * @throws IllegalStateException if the marker does not come back within 5 s
     */
    public List<Packet> sync() throws RawSocketException {
        String tag = MARKER + MARKERS.incrementAndGet() + " " + ProcessHandle.current().pid();
        byte[] payload = tag.getBytes(StandardCharsets.US_ASCII);
        marker.send(new Ethernet(MARKER_MAC, MARKER_MAC, Ethernet.LOCAL_EXPERIMENTAL, payload).toBytes());
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            RawSocket.Received r = socket.receive(SNAP, Duration.ofMillis(200));
            if (r == null || r.packetType() != RawSocket.PACKET_OUTGOING) {
                continue; // nothing yet, or the arriving copy of a frame already recorded leaving
            }
            if (isMarker(r.bytes())) {
                if (new String(Ethernet.parse(r.bytes()).payload(), StandardCharsets.US_ASCII).equals(tag)) {
                    List<Packet> fresh = List.copyOf(packets);
                    packets.clear();
                    return fresh;
                }
                continue; // an earlier capture's marker
            }
            try {
                packets.add(parse(r.bytes()));
            } catch (MalformedPacketException e) {
                // not from the sockets a scenario drives: the kernel builds their headers right
            }
        }
        throw new IllegalStateException("the capture's marker frame did not come back within 5 s");
    }

    private static boolean isMarker(byte[] frame) {
        if (frame.length < Ethernet.HEADER + MARKER.length()) {
            return false;
        }
        Ethernet e = Ethernet.parse(frame);
        return e.ethertype() == Ethernet.LOCAL_EXPERIMENTAL
                && new String(e.payload(), StandardCharsets.US_ASCII).startsWith(MARKER);
    }

    /**
     * One frame, parsed as far as it goes. The payload lengths come from the IPv4 and UDP length
     * fields, so a frame kept only in part (the capture keeps {@value #SNAP} bytes) still reports
     * its full size.
     */
    static Packet parse(byte[] bytes) {
        Ethernet frame = Ethernet.parse(bytes);
        int length = bytes.length;
        if (frame.ethertype() == 0x86DD) {
            return new Packet("IPv6", frame.ethertype(), length, "", -1, "", -1, 0, 0, 0, -1, length - Ethernet.HEADER, -1);
        }
        if (frame.ethertype() != Ethernet.IPV4) {
            return new Packet("ETH", frame.ethertype(), length, Ethernet.mac(frame.source()), -1,
                    Ethernet.mac(frame.destination()), -1, 0, 0, 0, -1, frame.payload().length, -1);
        }
        Ipv4 ip = Ipv4.parse(frame.payload(), 0);
        String src = ip.source().getHostAddress();
        String dst = ip.destination().getHostAddress();
        byte[] p = ip.payload();
        int carried = ip.totalLength() - ip.headerLength(); // what the packet carries, kept or not
        if (ip.fragment()) { // no whole transport header to read
            return new Packet("IPv4", Ethernet.IPV4, length, src, -1, dst, -1, 0, 0, 0, -1, carried, -1);
        }
        return switch (ip.protocol()) {
            case Ipv4.TCP -> {
                Transport.Tcp tcp = Transport.Tcp.parse(p);
                yield new Packet("TCP", Ethernet.IPV4, length, src, tcp.sourcePort(), dst, tcp.destinationPort(),
                        tcp.flags(), tcp.sequence(), tcp.acknowledgement(), Transport.u16(p, 14),
                        carried - tcp.headerLength(), -1);
            }
            case Ipv4.UDP -> {
                Transport.Udp udp = Transport.Udp.parse(p);
                yield new Packet("UDP", Ethernet.IPV4, length, src, udp.sourcePort(), dst, udp.destinationPort(),
                        0, 0, 0, -1, udp.length() - 8, -1);
            }
            case Ipv4.ICMP -> new Packet("ICMP", Ethernet.IPV4, length, src, -1, dst, -1, 0, 0, 0, -1,
                    carried - 8, p.length > 0 ? p[0] & 0xFF : -1);
            default -> new Packet("IPv4", Ethernet.IPV4, length, src, -1, dst, -1, 0, 0, 0, -1, carried, -1);
        };
    }

    /**
     * One IPv4 packet with no link-layer header in front (what a TUN device and lesson 06's link
     * carry), parsed as a captured frame is.
     *
     * @throws MalformedPacketException if it is not a well-formed IPv4 packet
     */
    public static Packet parseIpv4(byte[] packet) {
        byte[] frame = new byte[Ethernet.HEADER + packet.length];
        frame[12] = (byte) (Ethernet.IPV4 >> 8);
        frame[13] = (byte) Ethernet.IPV4;
        System.arraycopy(packet, 0, frame, Ethernet.HEADER, packet.length);
        return parse(frame);
    }

    @Override
    public void close() {
        marker.close();
        socket.close();
    }
}
