package sockets.select;

import java.io.IOException;
import java.io.InterruptedIOException;
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
import sockets.cli.CommandLine;
import sockets.cli.Programs;
import sockets.cli.Timeouts;

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
            usage: SelectClient [--host HOST] [--port PORT] [--wait select|poll] [--pause SECONDS] [--timeout SECONDS]
                                MESSAGE ...
              --host, --port      the echo server (default 127.0.0.1, 5003)
              --wait select|poll  block in select (default), or spin with a zero timeout as the blog does
              --pause SECONDS     send the second half of the message this long after the first (default 0.5),
                                  so that the client has to wait for something
              --timeout SECONDS   give up after this long (default 10)
              MESSAGE ...         words to send, joined by spaces and ended by a newline""";

    /** What one exchange cost: the echo, how many times the loop woke up, and its CPU time. */
    public record Exchange(byte[] echo, long wakeups, long cpuNanos) {
    }

    static final Duration DEFAULT_PAUSE = Duration.ofMillis(500);

    private SelectClient() {
    }

    // tag::exchange[]
    /**
     * Sends {@code request} and reads its whole echo through one selector. With a {@code pause}, the
     * second half of the request is sent only that long after the first: the client has nothing to
     * do meanwhile, which is exactly when the way it waits shows.
     */
    public static Exchange exchange(InetSocketAddress server, byte[] request, boolean poll, Duration pause,
            Duration timeout) throws IOException {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long cpuBefore = cpu.getCurrentThreadCpuTime();
        long deadline = Timeouts.deadline(timeout); // positive, and cannot overflow
        ByteBuffer out = ByteBuffer.wrap(request, 0, pause.isZero() ? request.length : request.length / 2);
        ByteBuffer in = ByteBuffer.allocate(request.length);
        long resumeAt = 0; // when the second half may go, once the first is out
        boolean pausing = false;
        long wakeups = 0;
        try (Selector selector = Selector.open(); SocketChannel channel = SocketChannel.open()) {
            channel.configureBlocking(false);
            // connect() returns false: the handshake goes on while we wait for OP_CONNECT.
            int interest = channel.connect(server) ? SelectionKey.OP_WRITE | SelectionKey.OP_READ : SelectionKey.OP_CONNECT;
            SelectionKey key = channel.register(selector, interest);
            while (in.hasRemaining()) {
                long now = System.nanoTime();
                if (deadline - now <= 0) {
                    throw new SocketTimeoutException("no complete echo within " + timeout.toMillis() + " ms");
                }
                if (pausing && now - resumeAt >= 0) {
                    pausing = false;
                    out.limit(request.length); // the pause is over: send the rest
                    key.interestOps(SelectionKey.OP_WRITE | SelectionKey.OP_READ);
                }
                long sleepMillis = Math.max(1, ((pausing ? resumeAt : deadline) - now) / 1_000_000);
                int ready = poll ? selector.selectNow() : selector.select(sleepMillis);
                wakeups++;
                if (Thread.currentThread().isInterrupted()) { // an interrupt wakes select at once, every time
                    throw new InterruptedIOException("interrupted while waiting for the echo");
                }
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
                        key.interestOps(SelectionKey.OP_READ); // nothing to send now: stop asking (S-08)
                        pausing = out.limit() < request.length;
                        resumeAt = System.nanoTime() + pause.toNanos();
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
        Programs.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String host;
        int port;
        boolean poll;
        Duration pause;
        Duration timeout;
        List<String> words;
        try {
            CommandLine line = new CommandLine(args, Set.of("host", "port", "wait", "pause", "timeout"), Set.of(), true);
            if (line.help()) {
                out.println(USAGE);
                return 0;
            }
            host = line.string("host", "127.0.0.1");
            port = line.number("port", SelectEchoServer.DEFAULT_PORT, 1, 65_535);
            poll = line.option("wait", "select", w -> w, w -> w.equals("select") || w.equals("poll"),
                    "'select' or 'poll'").equals("poll");
            pause = line.option("pause", DEFAULT_PAUSE, s -> Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000)),
                    d -> !d.isNegative() && d.toSeconds() <= 60, "a number of seconds from 0 to 60");
            timeout = line.seconds("timeout", Duration.ofSeconds(10));
            words = line.words();
            if (words.isEmpty()) {
                throw new CommandLine.UsageException("give a message to send");
            }
        } catch (CommandLine.UsageException e) {
            return Programs.usageError("SelectClient", e, USAGE, err);
        }
        byte[] request = (String.join(" ", words) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            Exchange result = exchange(new InetSocketAddress(InetAddress.getByName(host), port), request, poll, pause, timeout);
            out.write(result.echo());
            out.flush();
            err.printf("waited %s with %s: %,d wake-ups, %.1f ms of CPU%n", pause.isZero() ? "for the echo"
                    : "through a " + pause.toMillis() + " ms pause", poll ? "a zero-timeout poll" : "select",
                    result.wakeups(), result.cpuNanos() / 1e6);
            return 0;
        } catch (UnknownHostException e) {
            err.println("SelectClient: unknown host '" + host + "'");
        } catch (ConnectException e) {
            err.println("SelectClient: cannot connect to " + Programs.hostPort(new InetSocketAddress(host, port)) + ": " + e.getMessage() + "; is the server running?");
        } catch (IOException e) {
            err.println("SelectClient: " + host + ":" + port + ": " + e.getMessage());
        }
        return Programs.EXIT_FAILURE;
    }
}
