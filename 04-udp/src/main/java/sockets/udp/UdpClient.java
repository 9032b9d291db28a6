package sockets.udp;

import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import sockets.cli.CommandLine;
import sockets.cli.Programs;
import sockets.cli.Timeouts;

/**
 * Sends one request to {@link UdpServer} and prints the answer. UDP promises nothing, so the
 * client numbers its request ({@code #id message}), waits a bounded time for the answer with the
 * same number, and with {@code --retries N} sends the request again up to N times (stop-and-wait).
 * Answers with another number are late duplicates of earlier tries and are ignored.
 */
public final class UdpClient {

    private static final String USAGE = """
            usage: UdpClient [--host HOST] [--port PORT] [--timeout SECONDS] [--retries N] MESSAGE ...
              --host, --port      the server (default 127.0.0.1, 5004)
              --timeout SECONDS   how long to wait for each answer (default 1)
              --retries N         send again up to N times when no answer comes (default 3)
              MESSAGE ...         words to send, joined by spaces""";

    /** The answer to one request, and how many sends it took. */
    public record Answer(byte[] body, int attempts) {
    }

    private final DatagramSocket socket;
    private final Duration timeout;
    private final int retries;
    private long nextId = ThreadLocalRandom.current().nextLong(1, 1L << 40);

    /** @param socket connected to the server, so that ICMP errors can be reported and strangers' datagrams are filtered out */
    public UdpClient(DatagramSocket socket, Duration timeout, int retries) throws IOException {
        if (!socket.isConnected()) {
            throw new IllegalArgumentException("connect the socket to the server first");
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be 0 or more, was " + retries);
        }
        this.socket = socket;
        this.timeout = Timeouts.require(timeout, "timeout");
        this.retries = retries;
        socket.setSoTimeout(Timeouts.millis(timeout)); // under 1 ms: 1 ms, never 0 ("forever")
    }

    // tag::request[]
    /**
     * Sends {@code body} as one numbered request and returns the body of the answer with the same
     * number. Retransmits on each timeout, up to {@code retries} times; the server answers a
     * repeated number from its memory, so the request is processed once however often it is sent.
     */
    public Answer request(byte[] body) throws IOException {
        long id = nextId++;
        byte[] datagram = Datagrams.withId(id, body);
        // One byte more than any UDP payload, IPv6's included: a reply that fills it was cut.
        byte[] buffer = new byte[Datagrams.LARGEST_PAYLOAD + 1];
        for (int attempt = 1; attempt <= retries + 1; attempt++) {
            socket.send(new DatagramPacket(datagram, datagram.length));
            long deadline = Timeouts.deadline(timeout);
            while (true) {
                if (deadline - System.nanoTime() <= 0) {
                    break; // this try timed out: send again
                }
                socket.setSoTimeout(Timeouts.millisLeft(deadline, "try timed out"));
                DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(reply);
                } catch (SocketTimeoutException tryAgain) {
                    break;
                }
                if (reply.getLength() > Datagrams.LARGEST_PAYLOAD) {
                    throw new IOException("a reply of more than " + Datagrams.LARGEST_PAYLOAD + " bytes was cut by the receive");
                }
                byte[] got = Arrays.copyOf(reply.getData(), reply.getLength());
                if (Datagrams.requestId(got) == id) {
                    int start = ("#" + id + " ").length();
                    return new Answer(Arrays.copyOfRange(got, start, got.length), attempt);
                }
                // An answer to an earlier request (a late duplicate): not ours, keep waiting.
            }
        }
        throw new SocketTimeoutException("no answer after " + (retries + 1) + " tries of "
                + timeout.toMillis() + " ms each");
    }
    // end::request[]

    public static void main(String[] args) {
        Programs.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String host;
        int port;
        Duration timeout;
        int retries;
        List<String> words;
        try {
            CommandLine line = new CommandLine(args, Set.of("host", "port", "timeout", "retries"), Set.of(), true);
            if (line.help()) {
                out.println(USAGE);
                return 0;
            }
            host = line.string("host", "127.0.0.1");
            port = line.number("port", UdpServer.DEFAULT_PORT, 1, 65_535);
            timeout = line.seconds("timeout", Duration.ofSeconds(1));
            retries = line.number("retries", 3, 0, 100);
            words = line.words();
            if (words.isEmpty()) {
                throw new CommandLine.UsageException("give a message to send");
            }
        } catch (CommandLine.UsageException e) {
            return Programs.usageError("UdpClient", e, USAGE, err);
        }
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(new InetSocketAddress(InetAddress.getByName(host), port));
            Answer answer = new UdpClient(socket, timeout, retries).request(String.join(" ", words).getBytes(StandardCharsets.UTF_8));
            out.println(new String(answer.body(), StandardCharsets.UTF_8));
            if (answer.attempts() > 1) {
                err.println("(answered on try " + answer.attempts() + ")");
            }
            return 0;
        } catch (UnknownHostException e) {
            err.println("UdpClient: unknown host '" + host + "'");
        } catch (PortUnreachableException e) {
            err.println("UdpClient: nothing is listening on UDP " + host + ":" + port + " (the host said: port unreachable)");
        } catch (SocketTimeoutException e) {
            err.println("UdpClient: " + host + ":" + port + " did not answer: " + e.getMessage());
        } catch (IOException e) {
            err.println("UdpClient: " + host + ":" + port + ": " + e.getMessage());
        }
        return Programs.EXIT_FAILURE;
    }
}
