package sockets.raw;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import sockets.cli.CommandLine;
import sockets.cli.Programs;
import sockets.cli.Timeouts;

/**
 * Prints one line per frame seen on an interface: addresses, ports, protocol, TCP flags, lengths,
 * and whether the checksums are right. On {@code lo} every frame is seen twice (once leaving, once
 * arriving); the leaving copy is skipped.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED 06-raw-sockets/src/main/java/sockets/raw/RawSniff.java --interface lo --protocol tcp --port 5001</pre>
 */
public final class RawSniff {

    private static final String USAGE = """
            usage: RawSniff [--interface IFACE] [--count N] [--ethertype 0xNNNN | --protocol tcp|udp|icmp] [--port N] [--seconds S]
              --interface IFACE   the interface to watch (default lo)
              --count N           stop after N frames (default 20)
              --ethertype 0xNNNN  only frames of this ethertype (default: all)
              --protocol P        only IPv4 packets of this protocol
              --port N            only TCP or UDP packets to or from this port
              --seconds S         stop after S seconds (default: no limit)
            needs CAP_NET_RAW (root, setcap, or unshare -rn)""";

    /**
     * The largest frame to expect: {@code lo}'s MTU is 65,536 bytes, and a frame carries a 14-byte
     * Ethernet header on top. A smaller buffer would cut long frames without a word.
     */
    static final int MAX_FRAME = 65_536 + 1_024;

    private RawSniff() {
    }

    // tag::describe[]
    /** One line for a frame: what a person wants to know about it, malformed or not. */
    public static String describe(byte[] bytes) {
        try {
            return describeWellFormed(bytes);
        } catch (MalformedPacketException e) {
            return "MALFORMED %d-byte frame: %s".formatted(bytes.length, e.getMessage());
        }
    }

    private static String describeWellFormed(byte[] bytes) {
        Ethernet frame = Ethernet.parse(bytes);
        if (frame.ethertype() != Ethernet.IPV4) {
            return "ETH %s -> %s type 0x%04x, %d bytes of payload".formatted(Ethernet.mac(frame.source()),
                    Ethernet.mac(frame.destination()), frame.ethertype(), frame.payload().length);
        }
        Ipv4 ip = Ipv4.parse(frame.payload(), 0);
        String sums = ip.checksumValid() ? "ip checksum ok" : "IP CHECKSUM BAD";
        String from = ip.source().getHostAddress();
        String to = ip.destination().getHostAddress();
        if (ip.fragment()) { // a piece of a datagram: a later one has no transport header to read
            return "IPv4 %s -> %s %s fragment at offset %d%s, %d bytes (%s)".formatted(from, to, ip.protocolName(),
                    ip.fragmentOffset(), ip.moreFragments() ? ", more follow" : ", the last", ip.payload().length, sums);
        }
        return switch (ip.protocol()) {
            case Ipv4.TCP -> {
                Transport.Tcp tcp = Transport.Tcp.parse(ip.payload());
                int dataOffset = tcp.headerLength();
                yield "TCP %s:%d -> %s:%d [%s] seq=%d ack=%d, %d bytes of data (%s)".formatted(from, tcp.sourcePort(), to,
                        tcp.destinationPort(), tcp.flagNames(), tcp.sequence(), tcp.acknowledgement(),
                        ip.payload().length - dataOffset, sums);
            }
            case Ipv4.UDP -> {
                Transport.Udp udp = Transport.Udp.parse(ip.payload());
                String udpSum = udp.checksumValid(ip, ip.payload()) ? "ok"
                        : udp.checksumLeftForOffload(ip) ? "left for the card to fill in" : "BAD";
                yield "UDP %s:%d -> %s:%d, %d bytes of data (%s, udp checksum %s)".formatted(from, udp.sourcePort(), to,
                        udp.destinationPort(), udp.payload().length, sums, udpSum);
            }
            case Ipv4.ICMP -> {
                Transport.Icmp icmp = Transport.Icmp.parse(ip.payload());
                String kind = icmp.type() == Transport.Icmp.ECHO_REQUEST ? "echo request"
                        : icmp.type() == Transport.Icmp.ECHO_REPLY ? "echo reply" : "type " + icmp.type();
                yield "ICMP %s -> %s %s id=%d seq=%d (%s, icmp checksum %s)".formatted(from, to, kind, icmp.identifier(),
                        icmp.sequence(), sums, icmp.checksumValid() ? "ok" : "BAD");
            }
            default -> "IPv4 %s -> %s %s, %d bytes (%s)".formatted(from, to, ip.protocolName(), ip.totalLength(), sums);
        };
    }
    // end::describe[]

    /** Whether a frame passes the --protocol and --port filters. */
    static boolean matches(byte[] bytes, String protocol, int port) {
        if (protocol == null && port < 0) {
            return true;
        }
        try {
            return matchesWellFormed(bytes, protocol, port);
        } catch (MalformedPacketException e) {
            return false; // it cannot be the TCP or UDP packet asked for
        }
    }

    private static boolean matchesWellFormed(byte[] bytes, String protocol, int port) {
        Ethernet frame = Ethernet.parse(bytes);
        if (frame.ethertype() != Ethernet.IPV4) {
            return false;
        }
        Ipv4 ip = Ipv4.parse(frame.payload(), 0);
        if (protocol != null && !ip.protocolName().equalsIgnoreCase(protocol)) {
            return false;
        }
        if (port < 0) {
            return true;
        }
        if ((ip.protocol() != Ipv4.TCP && ip.protocol() != Ipv4.UDP) || ip.payload().length < 4 || ip.fragmentOffset() != 0) {
            return false;
        }
        int src = Transport.u16(ip.payload(), 0);
        int dst = Transport.u16(ip.payload(), 2);
        return src == port || dst == port;
    }

    public static void main(String[] args) {
        Programs.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String iface;
        int count;
        int ethertype;
        String protocol;
        int port;
        Duration limit;
        try {
            CommandLine line = new CommandLine(args, Set.of("interface", "count", "ethertype", "protocol", "port", "seconds"), Set.of(), false);
            if (line.help()) {
                out.println(USAGE);
                return 0;
            }
            iface = line.string("interface", "lo");
            count = line.number("count", 20, 1, 1_000_000);
            ethertype = RawSend.parseEthertype(line.string("ethertype", "0x0003"));
            protocol = line.string("protocol", null);
            if (protocol != null && !Set.of("tcp", "udp", "icmp").contains(protocol.toLowerCase(Locale.ROOT))) {
                throw new CommandLine.UsageException("--protocol must be tcp, udp or icmp, not '" + protocol + "'");
            }
            port = line.number("port", -1, 0, 65_535);
            limit = line.seconds("seconds", Duration.ofDays(3650));
        } catch (CommandLine.UsageException e) {
            return Programs.usageError("RawSniff", e, USAGE, err);
        }
        long deadline = Timeouts.deadline(limit); // capped: a huge --seconds cannot overflow
        try (RawSocket socket = RawSocket.packet(iface, ethertype)) {
            AtomicInteger seen = new AtomicInteger();
            AtomicBoolean reported = new AtomicBoolean();
            Runnable report = () -> {
                if (!reported.getAndSet(true)) {
                    out.println(seen.get() == 0 ? "saw no matching frame" : "saw " + seen.get()
                            + (seen.get() == 1 ? " frame" : " frames"));
                    out.flush();
                }
            };
            Runtime.getRuntime().addShutdownHook(new Thread(report, "sniff-report")); // Ctrl-C says it too
            // Only now is the socket receiving: say so, so that the traffic to watch can start.
            out.println("sniffing on " + iface + (protocol == null ? "" : ", " + protocol)
                    + (port < 0 ? "" : ", port " + port) + "; stops after " + count + (count == 1 ? " frame" : " frames")
                    + (limit.toDays() < 3650 ? " or " + limit.toMillis() / 1000.0 + " s" : "") + ", or Ctrl-C");
            out.flush();
            while (seen.get() < count && System.nanoTime() < deadline) {
                RawSocket.Received r = socket.receive(MAX_FRAME, Duration.ofMillis(500));
                if (r == null || r.packetType() == RawSocket.PACKET_OUTGOING || !matches(r.bytes(), protocol, port)) {
                    continue; // nothing yet, or lo's copy of a frame on its way out
                }
                out.println(describe(r.bytes()));
                out.flush();
                seen.incrementAndGet();
            }
            report.run();
            return 0;
        } catch (RawSocketException e) {
            err.println("RawSniff: " + e.getMessage());
            return Programs.EXIT_FAILURE;
        }
    }
}
