package sockets.raw;

import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import sockets.cli.CommandLine;
import sockets.cli.Programs;
import sockets.cli.Timeouts;

/**
 * ICMP echo, as {@code ping} does it, over {@code AF_INET/SOCK_RAW}: the request's checksum is
 * computed here, and each reply's IPv4 header checksum and ICMP checksum are verified.
 *
 * <pre>sudo java --enable-native-access=ALL-UNNAMED 06-raw-sockets/src/main/java/sockets/raw/RawPing.java --count 3</pre>
 */
public final class RawPing {

    private static final String USAGE = """
            usage: RawPing [--host ADDRESS] [--count N] [--timeout SECONDS]
              --host ADDRESS      an IPv4 address of this machine (default 127.0.0.1); no other is pinged
              --count N           echo requests to send (default 3)
              --timeout SECONDS   wait for each reply (default 1)
            needs CAP_NET_RAW (root, setcap, or unshare -rn)""";

    /** One answered echo request. */
    public record Reply(int sequence, int ttl, double millis, boolean checksumsValid) {
    }

    private RawPing() {
    }

    // tag::ping[]
    /** Sends one echo request and waits for its reply; null if none comes in time. */
    public static Reply ping(RawSocket socket, Inet4Address host, int id, int sequence, Duration timeout)
            throws RawSocketException {
        byte[] payload = "java ping".getBytes(StandardCharsets.US_ASCII);
        long start = System.nanoTime();
        socket.sendTo(Transport.Icmp.echoRequest(id, sequence, payload), host);
        long deadline = start + Timeouts.nanos(timeout); // capped: cannot overflow into the past
        while (System.nanoTime() < deadline) {
            RawSocket.Received r = socket.receive(65_536, Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
            if (r == null) {
                break;
            }
            Ipv4 ip;
            Transport.Icmp icmp;
            try {
                ip = Ipv4.parse(r.bytes(), 0); // a raw AF_INET socket receives the IPv4 header too
                icmp = Transport.Icmp.parse(ip.payload());
            } catch (MalformedPacketException e) {
                continue; // anyone on the machine can send us ICMP: a bad packet is skipped, not fatal
            }
            // The socket also sees our own request on lo, and other programs' ICMP: match the reply.
            if (icmp.type() == Transport.Icmp.ECHO_REPLY && icmp.identifier() == id && icmp.sequence() == sequence) {
                return new Reply(sequence, ip.ttl(), (System.nanoTime() - start) / 1e6, ip.checksumValid() && icmp.checksumValid());
            }
        }
        return null;
    }
    // end::ping[]

    public static void main(String[] args) {
        Programs.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Inet4Address host;
        int count;
        Duration timeout;
        try {
            CommandLine line = new CommandLine(args, Set.of("host", "count", "timeout"), Set.of(), false);
            if (line.help()) {
                out.println(USAGE);
                return 0;
            }
            String name = line.string("host", "127.0.0.1");
            try {
                if (!(InetAddress.getByName(name) instanceof Inet4Address v4)) {
                    throw new CommandLine.UsageException("--host must be an IPv4 address, not '" + name + "'");
                }
                // A course tool pings only this machine: its loopback, or an address of one of its
                // interfaces (a network namespace's own included).
                if (!v4.isLoopbackAddress() && NetworkInterface.getByInetAddress(v4) == null) {
                    throw new CommandLine.UsageException("--host must be an address of this machine, such as 127.0.0.1,"
                            + " not '" + name + "'");
                }
                host = v4;
            } catch (UnknownHostException e) {
                throw new CommandLine.UsageException("--host: cannot resolve '" + name + "'");
            } catch (SocketException e) {
                throw new CommandLine.UsageException("--host: cannot list this machine's addresses: " + e.getMessage());
            }
            count = line.number("count", 3, 1, 1000);
            timeout = line.seconds("timeout", Duration.ofSeconds(1));
        } catch (CommandLine.UsageException e) {
            return Programs.usageError("RawPing", e, USAGE, err);
        }
        int id = (int) (ProcessHandle.current().pid() & 0xFFFF);
        int answered = 0;
        try (RawSocket socket = RawSocket.icmp()) {
            for (int seq = 1; seq <= count; seq++) {
                Reply reply = ping(socket, host, id, seq, timeout);
                if (reply == null) {
                    out.printf("no reply from %s: icmp_seq=%d%n", host.getHostAddress(), seq);
                } else {
                    answered++;
                    out.printf("reply from %s: icmp_seq=%d ttl=%d time=%.3f ms, checksums %s%n", host.getHostAddress(),
                            reply.sequence(), reply.ttl(), reply.millis(), reply.checksumsValid() ? "ok" : "BAD");
                }
            }
        } catch (RawSocketException e) {
            err.println("RawPing: " + e.getMessage());
            return Programs.EXIT_FAILURE;
        }
        return answered == count ? 0 : Programs.EXIT_FAILURE;
    }
}
