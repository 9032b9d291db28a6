package sockets.udp;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import sockets.cli.CommandLine;
import sockets.cli.Programs;

/**
 * A UDP request/reply server, the seed's {@code socketserver.UDPServer} handler done right: one
 * line per datagram (sender, length, text), and a reply to the sender: {@code Got your message!},
 * or with {@code --echo} the datagram itself.
 *
 * <p>A datagram larger than {@code --max-datagram} is reported and dropped, never processed cut
 * short. A request that starts with an id ({@code #17 hello}) gets its reply with the same id, and
 * a repeated id from the same sender (a retransmission, or a duplicate made by the network) gets
 * the remembered reply without being processed again.
 *
 * <p>Against the course's server checklist (docs/reference.md): memory is bounded by one buffer of
 * {@code --max-datagram} bytes and at most {@value #REMEMBERED_REPLIES} remembered replies; a reply
 * to a bad address fails for that sender only; a receive failure that is not a stop ends
 * {@link #serve()} with an exception (exit status 1). Accept back-off, a connection cap and request
 * deadlines do not apply: there is no accept, no connection, and a datagram is whole or absent.
 *
 * <pre>04-udp/run UdpServer --port 5004</pre>
 */
public final class UdpServer implements Programs.Server {

    public static final int DEFAULT_PORT = 5004;
    public static final int DEFAULT_MAX_DATAGRAM = 8192;
    public static final byte[] REPLY = "Got your message!".getBytes(StandardCharsets.US_ASCII);
    /** How many (sender, id) replies are remembered for duplicates; the oldest go first. */
    static final int REMEMBERED_REPLIES = 4096;

    private static final String USAGE = """
            usage: UdpServer [--host HOST] [--port PORT] [--echo] [--max-datagram BYTES]
              --host HOST             address to listen on (default 127.0.0.1)
              --port PORT             port to listen on (default 5004; 0 picks a free port)
              --echo                  reply with the datagram itself instead of "Got your message!"
              --max-datagram BYTES    largest datagram accepted (default 8192, at most 65507)""";

    private final DatagramChannel channel;
    private final boolean echo;
    private final int maxDatagram;
    private final PrintStream log;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicLong processed = new AtomicLong();
    private final Map<String, byte[]> replies = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
            return size() > REMEMBERED_REPLIES;
        }
    };
    private volatile boolean closed;

    private UdpServer(DatagramChannel channel, boolean echo, int maxDatagram, PrintStream log) {
        this.channel = channel;
        this.echo = echo;
        this.maxDatagram = maxDatagram;
        this.log = log;
    }

    public static UdpServer bind(InetSocketAddress address, boolean echo, int maxDatagram, PrintStream log) throws IOException {
        if (maxDatagram < 1 || maxDatagram > Datagrams.LARGEST_IPV4_PAYLOAD) {
            throw new IllegalArgumentException("max datagram must be 1 to " + Datagrams.LARGEST_IPV4_PAYLOAD);
        }
        DatagramChannel channel = DatagramChannel.open();
        try {
            channel.bind(address);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return new UdpServer(channel, echo, maxDatagram, log);
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.socket().getLocalSocketAddress();
    }

    /** Requests processed: each id counted once, however often it arrived. */
    public long processed() {
        return processed.get();
    }

    // tag::serve[]
    /**
     * Receives and answers datagrams on the calling thread until {@link #close()}. A failure to
     * receive that is not the close is fatal: it ends the loop with an exception (exit status 1),
     * so that a supervisor sees the server stop rather than a process that is quietly doing nothing.
     */
    @Override
    public void serve() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(maxDatagram + 1);
        try {
            while (!closed) {
                Datagrams.Received d = Datagrams.receive(channel, buffer, maxDatagram);
                String from = Programs.hostPort(d.sender());
                if (d.tooLarge()) {
                    log.println(from + ": datagram larger than " + maxDatagram + " bytes; dropped, not processed cut short");
                    continue;
                }
                log.println(from + ": " + d.payload().length + " bytes: " + Datagrams.printable(d.payload(), 200));
                try {
                    channel.send(ByteBuffer.wrap(replyTo(d.sender(), d.payload())), d.sender());
                } catch (IOException e) {
                    // One client's bad address must not stop the server for everyone else.
                    log.println(from + ": could not reply: " + e.getMessage());
                }
            }
        } catch (ClosedChannelException e) {
            if (!closed) { // closed by something other than close(): not a stop, a failure
                throw e;
            }
        } catch (IOException e) {
            if (!closed) {
                throw e;
            }
        } finally {
            stopped.countDown();
        }
    }

    private byte[] replyTo(SocketAddress sender, byte[] request) {
        long id = Datagrams.requestId(request);
        if (id < 0) {
            processed.incrementAndGet();
            return echo ? request : REPLY;
        }
        String key = sender + "#" + id;
        byte[] remembered = replies.get(key);
        if (remembered != null) {
            return remembered; // a duplicate: answer again, do not process again
        }
        processed.incrementAndGet();
        byte[] reply = echo ? request : Datagrams.withId(id, REPLY);
        replies.put(key, reply);
        return reply;
    }
    // end::serve[]

    /** For tests: the channel, to break it under the server as a fatal failure would. */
    DatagramChannel channelForTest() {
        return channel;
    }

    @Override
    public void close() {
        closed = true;
        try {
            channel.close(); // a receive blocked in serve() throws AsynchronousCloseException
        } catch (IOException ignored) {
            // stopping anyway
        }
    }

    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            CommandLine line = new CommandLine(args, Set.of("host", "port", "max-datagram"), Set.of("echo"), false);
            if (line.help()) {
                out.println(USAGE);
                return 0;
            }
            boolean echo = line.flag("echo");
            int max = line.number("max-datagram", DEFAULT_MAX_DATAGRAM, 1, Datagrams.LARGEST_IPV4_PAYLOAD);
            return Programs.serve("UdpServer", Programs.listenAddress(line, DEFAULT_PORT),
                    address -> bind(address, echo, max, out), out, err);
        } catch (CommandLine.UsageException e) {
            return Programs.usageError("UdpServer", e, USAGE, err);
        }
    }
}
