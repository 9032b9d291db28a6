package sockets.raw;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

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

    private RawSniff() {
    }

    // tag::describe[]
    /** One line for a frame: what a person wants to know about it. */
    public static String describe(byte[] bytes) {
        Ethernet frame = Ethernet.parse(bytes);
        if (frame.ethertype() != Ethernet.IPV4) {
            return "ETH %s -> %s type 0x%04x, %d bytes of payload".formatted(Ethernet.mac(frame.source()),
                    Ethernet.mac(frame.destination()), frame.ethertype(), frame.payload().length);
        }
        Ipv4 ip = Ipv4.parse(frame.payload(), 0);
        String sums = ip.checksumValid() ? "ip checksum ok" : "IP CHECKSUM BAD";
        String from = ip.source().getHostAddress();
        String to = ip.destination().getHostAddress();
        return switch (ip.protocol()) {
            case Ipv4.TCP -> {
                Transport.Tcp tcp = Transport.Tcp.parse(ip.payload());
                int dataOffset = (ip.payload()[12] >> 4 & 0xF) * 4;
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
        if (ip.protocol() != Ipv4.TCP && ip.protocol() != Ipv4.UDP) {
            return false;
        }
        int src = Transport.u16(ip.payload(), 0);
        int dst = Transport.u16(ip.payload(), 2);
        return src == port || dst == port;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String iface;
        int count;
        int ethertype;
        String protocol;
        int port;
        Duration limit;
        try {
            CommandLine line = CommandLine.parse(args, Set.of("interface", "count", "ethertype", "protocol", "port", "seconds"), false);
            if (line.help()) {
                out.println(USAGE);
                return 0;
            }
            iface = line.string("interface", "lo");
            count = line.size("count", 20, 1_000_000);
            ethertype = RawSend.parseEthertype(line.string("ethertype", "0x0003"));
            protocol = line.string("protocol", null);
            if (protocol != null && !Set.of("tcp", "udp", "icmp").contains(protocol.toLowerCase(Locale.ROOT))) {
                throw new CommandLine.UsageException("--protocol must be tcp, udp or icmp, not '" + protocol + "'");
            }
            port = line.port("port", -1);
            limit = line.seconds("seconds", Duration.ofDays(3650));
        } catch (CommandLine.UsageException e) {
            err.println("RawSniff: " + e.getMessage());
            err.println(USAGE);
            return CommandLine.EXIT_USAGE;
        }
        long deadline = System.nanoTime() + limit.toNanos();
        try (RawSocket socket = RawSocket.packet(iface, ethertype)) {
            int seen = 0;
            while (seen < count && System.nanoTime() < deadline) {
                RawSocket.Received r = socket.receive(65_536, Duration.ofMillis(500));
                if (r == null || r.packetType() == RawSocket.PACKET_OUTGOING || !matches(r.bytes(), protocol, port)) {
                    continue; // nothing yet, or lo's copy of a frame on its way out
                }
                out.println(describe(r.bytes()));
                out.flush();
                seen++;
            }
            return 0;
        } catch (RawSocketException e) {
            err.println("RawSniff: " + e.getMessage());
            return CommandLine.EXIT_FAILURE;
        }
    }
}
