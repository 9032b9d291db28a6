package sockets.raw;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import sockets.cli.CommandLine;
import sockets.cli.Programs;

/**
 * Sends one hand-built Ethernet frame on an interface, the seed's raw-socket example done right:
 * the source MAC is a locally administered unicast address (the seed's 01:02:03:04:05:06 has the
 * group bit set, BUG-32), the ethertype is the IEEE's local-experimental 0x88B5 (the seed's 0x0801
 * is not), and no fake "checksum" is appended (the card adds the real one, BUG-33).
 *
 * <pre>sudo java --enable-native-access=ALL-UNNAMED 06-raw-sockets/src/main/java/sockets/raw/RawSend.java --interface lo --payload hello</pre>
 */
public final class RawSend {

    public static final String DEFAULT_SOURCE = "02:00:00:00:00:01";
    public static final String DEFAULT_DESTINATION = "02:00:00:00:00:02";

    private static final String USAGE = """
            usage: RawSend [--interface IFACE] [--ethertype 0xNNNN] [--payload TEXT] [--source MAC] [--destination MAC]
              --interface IFACE    where to send (default lo)
              --ethertype 0xNNNN   the frame's ethertype (default 0x88B5, for local experiments)
              --payload TEXT       the payload (default "hello from Java")
              --source MAC         default 02:00:00:00:00:01 (locally administered, unicast)
              --destination MAC    default 02:00:00:00:00:02
            needs CAP_NET_RAW (root, setcap, or unshare -rn)""";

    private RawSend() {
    }

    static int parseEthertype(String text) throws CommandLine.UsageException {
        try {
            int value = Integer.decode(text);
            if (value >= 0 && value <= 0xFFFF) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CommandLine.UsageException("an ethertype is a 16-bit number such as 0x88B5, not '" + text + "'");
    }

    public static void main(String[] args) {
        Programs.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String iface;
        Ethernet frame;
        try {
            CommandLine line = new CommandLine(args, Set.of("interface", "ethertype", "payload", "source", "destination"), Set.of(), false);
            if (line.help()) {
                out.println(USAGE);
                return 0;
            }
            iface = line.string("interface", "lo");
            int ethertype = parseEthertype(line.string("ethertype", "0x88B5"));
            byte[] source;
            byte[] destination;
            try {
                source = Ethernet.mac(line.string("source", DEFAULT_SOURCE));
                destination = Ethernet.mac(line.string("destination", DEFAULT_DESTINATION));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.UsageException(e.getMessage());
            }
            if (Ethernet.isGroupAddress(source)) {
                throw new CommandLine.UsageException("--source " + Ethernet.mac(source)
                        + " has the group (multicast) bit set; a source address must be unicast, e.g. " + DEFAULT_SOURCE);
            }
            frame = new Ethernet(destination, source, ethertype,
                    line.string("payload", "hello from Java").getBytes(StandardCharsets.UTF_8));
        } catch (CommandLine.UsageException e) {
            return Programs.usageError("RawSend", e, USAGE, err);
        }
        try (RawSocket socket = RawSocket.packet(iface, frame.ethertype())) {
            byte[] bytes = frame.toBytes();
            socket.send(bytes);
            out.printf("sent a %d-byte frame on %s: %s%n", bytes.length, iface, RawSniff.describe(bytes));
            return 0;
        } catch (RawSocketException e) {
            err.println("RawSend: " + e.getMessage());
            return Programs.EXIT_FAILURE;
        }
    }
}
