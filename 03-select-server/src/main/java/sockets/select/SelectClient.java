package sockets.select;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * A non-blocking echo client: it connects with {@code OP_CONNECT} and {@code finishConnect}, writes
 * when the channel is writable, and reads until it has the whole echo, all through one selector.
 *
 * <p>{@code --wait poll} waits the way the blog's loop does, with a zero timeout ({@code selectNow}),
 * and {@code --wait select} (the default) the right way, blocking in {@code select}. Both print, to
 * standard error, how often they woke up and how much CPU the waiting cost.
 */
public final class SelectClient {

    private static final String USAGE = """
            usage: SelectClient [--host HOST] [--port PORT] [--wait select|poll] [--timeout SECONDS] MESSAGE ...
              --host, --port      the echo server (default 127.0.0.1, 5003)
              --wait select|poll  block in select (default), or spin with a zero timeout as the blog does
              --timeout SECONDS   give up after this long (default 10)
              MESSAGE ...         words to send, joined by spaces and ended by a newline""";

    /** What one exchange cost: the echo, how many times the loop woke up, and its CPU time. */
    public record Exchange(byte[] echo, long wakeups, long cpuNanos) {
    }

    private SelectClient() {
    }

    // tag::exchange[]
    public static Exchange exchange(InetSocketAddress server, byte[] request, boolean poll, Duration timeout)
            throws IOException {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long cpuBefore = cpu.getCurrentThreadCpuTime();
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteBuffer out = ByteBuffer.wrap(request);
        ByteBuffer in = ByteBuffer.allocate(request.length);
        long wakeups = 0;
        try (Selector selector = Selector.open(); SocketChannel channel = SocketChannel.open()) {
            channel.configureBlocking(false);
            // connect() returns false: the handshake goes on while we wait for OP_CONNECT.
            int interest = channel.connect(server) ? SelectionKey.OP_WRITE | SelectionKey.OP_READ : SelectionKey.OP_CONNECT;
            SelectionKey key = channel.register(selector, interest);
            while (in.hasRemaining()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException("no complete echo within " + timeout.toMillis() + " ms");
                }
                int ready = poll ? selector.selectNow() : selector.select(Math.max(1, left / 1_000_000));
                wakeups++;
                if (ready == 0) {
                    continue;
                }
                selector.selectedKeys().clear();
                if (key.isConnectable()) {
                    channel.finishConnect(); // completes the connect, or throws (refused: S-10)
                    key.interestOps(SelectionKey.OP_WRITE | SelectionKey.OP_READ);
                    continue;
                }
                if (key.isWritable()) {
                    channel.write(out);
                    if (!out.hasRemaining()) {
                        key.interestOps(SelectionKey.OP_READ); // nothing left to send: stop asking (S-08)
                    }
                }
                if (key.isReadable() && channel.read(in) == -1) {
                    throw new IOException("server closed after " + in.position() + " of " + request.length + " bytes");
                }
            }
        }
        return new Exchange(in.array(), wakeups, cpu.getCurrentThreadCpuTime() - cpuBefore);
    }
    // end::exchange[]

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String host;
        int port;
        boolean poll;
        Duration timeout;
        List<String> words;
        try {
            CommandLine line = CommandLine.parse(args, Set.of("host", "port", "wait", "timeout"), true);
            if (line.help()) {
                out.println(USAGE);
                return 0;
            }
            host = line.string("host", "127.0.0.1");
            port = line.port("port", SelectEchoServer.DEFAULT_PORT);
            String wait = line.string("wait", "select");
            if (!wait.equals("select") && !wait.equals("poll")) {
                throw new CommandLine.UsageException("--wait must be 'select' or 'poll', not '" + wait + "'");
            }
            poll = wait.equals("poll");
            timeout = line.seconds("timeout", Duration.ofSeconds(10));
            words = line.words();
            if (words.isEmpty()) {
                throw new CommandLine.UsageException("give a message to send");
            }
        } catch (CommandLine.UsageException e) {
            err.println("SelectClient: " + e.getMessage());
            err.println(USAGE);
            return CommandLine.EXIT_USAGE;
        }
        byte[] request = (String.join(" ", words) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            Exchange result = exchange(new InetSocketAddress(InetAddress.getByName(host), port), request, poll, timeout);
            out.write(result.echo());
            out.flush();
            err.printf("waited with %s: %,d wakeups, %.1f ms of CPU%n", poll ? "a zero-timeout poll" : "select",
                    result.wakeups(), result.cpuNanos() / 1e6);
            return 0;
        } catch (UnknownHostException e) {
            err.println("SelectClient: unknown host '" + host + "'");
        } catch (ConnectException e) {
            err.println("SelectClient: cannot connect to " + host + ":" + port + ": " + e.getMessage() + "; is the server running?");
        } catch (IOException e) {
            err.println("SelectClient: " + host + ":" + port + ": " + e.getMessage());
        }
        return CommandLine.EXIT_FAILURE;
    }
}
