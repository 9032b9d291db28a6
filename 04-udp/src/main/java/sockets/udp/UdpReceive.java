package sockets.udp;

import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Set;
import sockets.cli.CommandLine;
import sockets.cli.Programs;

/**
 * The seed's minimal UDP receiver, done right: it prints each datagram's sender and text, reports
 * a datagram larger than its limit instead of printing it cut short, can stop after N datagrams,
 * and closes its socket.
 *
 * <pre>java 04-udp/src/main/java/sockets/udp/UdpReceive.java --port 5004 --count 3</pre>
 */
public final class UdpReceive {

    private static final String USAGE = """
            usage: UdpReceive [--host HOST] [--port PORT] [--count N] [--max-datagram BYTES]
              prints each datagram received (default 127.0.0.1:5004), N of them (default: until Ctrl-C)""";

    private UdpReceive() {
    }

    public static void main(String[] args) {
        Programs.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        InetSocketAddress address;
        int count;
        int max;
        try {
            CommandLine line = new CommandLine(args, Set.of("host", "port", "count", "max-datagram"), Set.of(), false);
            if (line.help()) {
                out.println(USAGE);
                return 0;
            }
            count = line.number("count", 0, 0, Integer.MAX_VALUE);
            max = line.number("max-datagram", UdpServer.DEFAULT_MAX_DATAGRAM, 1, Datagrams.LARGEST_IPV4_PAYLOAD);
            String host = line.string("host", "127.0.0.1");
            try {
                address = new InetSocketAddress(InetAddress.getByName(host), line.number("port", UdpServer.DEFAULT_PORT, 0, 65_535));
            } catch (UnknownHostException e) {
                throw new CommandLine.UsageException("--host: cannot resolve '" + host + "'");
            }
        } catch (CommandLine.UsageException e) {
            return Programs.usageError("UdpReceive", e, USAGE, err);
        }
        try (DatagramChannel channel = DatagramChannel.open().bind(address)) {
            out.println("listening on " + Programs.hostPort(channel.socket().getLocalSocketAddress()));
            ByteBuffer buffer = ByteBuffer.allocate(max + 1);
            for (int i = 0; count == 0 || i < count; i++) {
                Datagrams.Received d = Datagrams.receive(channel, buffer, max);
                String from = Programs.hostPort(d.sender());
                out.println(d.tooLarge()
                        ? from + ": datagram larger than " + max + " bytes (it would have been cut short)"
                        : from + ": " + Datagrams.printable(d.payload(), 500));
            }
            return 0;
        } catch (BindException e) {
            err.println("UdpReceive: cannot bind " + Programs.hostPort(address) + ": " + e.getMessage());
        } catch (IOException e) {
            err.println("UdpReceive: " + e.getMessage());
        }
        return Programs.EXIT_FAILURE;
    }
}
