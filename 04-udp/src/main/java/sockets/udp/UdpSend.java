package sockets.udp;

import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import sockets.cli.CommandLine;
import sockets.cli.Programs;

/**
 * The seed's minimal UDP sender, done right: the text is encoded explicitly, the socket is closed
 * (the seed says a UDP socket needs no closing; it holds a descriptor and a port until it is
 * closed, U-04), and a message too large for one datagram is refused with a clear message.
 *
 * <pre>java 04-udp/src/main/java/sockets/udp/UdpSend.java --port 5004 Hello you there!</pre>
 */
public final class UdpSend {

    private static final String USAGE = """
            usage: UdpSend [--host HOST] [--port PORT] MESSAGE ...
              sends the words, joined by spaces, as one UDP datagram (default 127.0.0.1:5004); waits for nothing""";

    private UdpSend() {
    }

    public static void main(String[] args) {
        Programs.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            CommandLine line = new CommandLine(args, Set.of("host", "port"), Set.of(), true);
            if (line.help()) {
                out.println(USAGE);
                return 0;
            }
            if (line.words().isEmpty()) {
                throw new CommandLine.UsageException("give a message to send");
            }
            String host = line.string("host", "127.0.0.1");
            int port = line.number("port", UdpServer.DEFAULT_PORT, 1, 65_535);
            byte[] message = String.join(" ", line.words()).getBytes(StandardCharsets.UTF_8);
            if (message.length > Datagrams.LARGEST_IPV4_PAYLOAD) {
                throw new CommandLine.UsageException("the message has " + message.length + " bytes; one UDP datagram holds at most "
                        + Datagrams.LARGEST_IPV4_PAYLOAD);
            }
            // tag::send[]
            try (DatagramSocket socket = new DatagramSocket()) { // closed: it holds a descriptor and a port
                socket.send(new DatagramPacket(message, message.length,
                        new InetSocketAddress(InetAddress.getByName(host), port)));
            }
            // end::send[]
            out.println("sent " + message.length + " bytes to " + host + ":" + port + " (UDP: nobody confirms delivery)");
            return 0;
        } catch (CommandLine.UsageException e) {
            return Programs.usageError("UdpSend", e, USAGE, err);
        } catch (UnknownHostException e) {
            err.println("UdpSend: unknown host '" + e.getMessage() + "'");
        } catch (IOException e) {
            err.println("UdpSend: " + e.getMessage());
        }
        return Programs.EXIT_FAILURE;
    }
}
