package sockets.failure;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import sockets.cli.CommandLine;
import sockets.cli.Programs;
import sockets.cli.Timeouts;

/**
 * Sends one request to {@link HalfCloseServer} and prints the whole answer: writes the request and
 * shuts down its sending side (the end of the request) while reading until the server closes.
 * {@code --no-half-close} leaves the sending side open, to see what that does (the read timeout
 * bounds the wait).
 */
public final class HalfCloseClient {

    private static final String USAGE = """
            usage: HalfCloseClient [--host HOST] [--port PORT] [--timeout SECONDS] [--half-close yes|no] [MESSAGE ...]
              --host, --port       the server (default 127.0.0.1, 5007)
              --timeout SECONDS    give up on the answer after this long (default 10)
              --half-close no      do not shut down the sending side (the pitfall)
              MESSAGE ...          the request; without it, standard input is the request""";

    private HalfCloseClient() {
    }

    /** The bound on a whole exchange when the socket has no read timeout of its own. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /**
     * {@link #exchange(Socket, InputStream, boolean, Duration)} bounded by the socket's read timeout
     * ({@code setSoTimeout}) for the whole exchange, or by {@link #DEFAULT_TIMEOUT} if it has none.
     */
    public static byte[] exchange(Socket socket, InputStream request, boolean halfClose) throws IOException {
        int soTimeout = socket.getSoTimeout();
        return exchange(socket, request, halfClose, soTimeout > 0 ? Duration.ofMillis(soTimeout) : DEFAULT_TIMEOUT);
    }

    // tag::exchange[]
    /**
     * Sends the request, half-closes, and returns everything the server sends back, all within
     * {@code timeout}. The answer is read while the request is still being written: a server that
     * refuses a request over its limit answers, stops reading and closes, and a client that only
     * reads once its write is done would see "Broken pipe" instead of the refusal. If the write fails
     * and an answer came, the answer is returned; with no answer, the write's failure is thrown.
     * After a failure or a timeout, close the socket (that also ends a write still blocked).
     */
    public static byte[] exchange(Socket socket, InputStream request, boolean halfClose, Duration timeout)
            throws IOException {
        long deadline = Timeouts.deadline(timeout);
        CompletableFuture<Void> sent = new CompletableFuture<>();
        Thread.ofVirtual().name("request-writer").start(() -> {
            try {
                // tag::half-close[]
                request.transferTo(socket.getOutputStream());
                if (halfClose) {
                    socket.shutdownOutput(); // "my request is complete"; the socket can still read
                }
                // end::half-close[]
                sent.complete(null);
            } catch (IOException | RuntimeException e) {
                sent.completeExceptionally(e);
            }
        });
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        String late = "no complete answer within " + timeout.toMillis() + " ms";
        try {
            while (true) { // until the server closes its side, or the deadline
                socket.setSoTimeout(Timeouts.millisLeft(deadline, late));
                int n;
                try {
                    n = in.read(buffer);
                } catch (SocketTimeoutException e) {
                    throw (SocketTimeoutException) new SocketTimeoutException(late).initCause(e);
                }
                if (n == -1) {
                    break;
                }
                answer.write(buffer, 0, n);
            }
        } catch (IOException readFailed) {
            writeFailure(sent).ifPresent(readFailed::addSuppressed);
            throw readFailed;
        }
        Optional<IOException> writeFailed = writeFailure(sent);
        if (answer.size() == 0 && writeFailed.isPresent()) {
            throw writeFailed.get(); // the request did not get through and nothing came back
        }
        return answer.toByteArray();
    }

    private static Optional<IOException> writeFailure(CompletableFuture<Void> sent) {
        if (!sent.isCompletedExceptionally()) {
            return Optional.empty(); // sent, or still sending: the server answered without waiting
        }
        Throwable cause = sent.exceptionNow();
        return Optional.of(cause instanceof IOException io ? io : new IOException(cause));
    }
    // end::exchange[]

    public static void main(String[] args) {
        Programs.exit(run(args, System.in, System.out, System.err));
    }

    static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        String host;
        int port;
        Duration timeout;
        boolean halfClose;
        InputStream request;
        try {
            CommandLine line = new CommandLine(args, Set.of("host", "port", "timeout", "half-close"), Set.of(), true);
            if (line.help()) {
                out.println(USAGE);
                return 0;
            }
            host = line.string("host", "127.0.0.1");
            port = line.number("port", HalfCloseServer.DEFAULT_PORT, 1, 65_535);
            timeout = line.seconds("timeout", Duration.ofSeconds(10));
            String hc = line.string("half-close", "yes");
            if (!hc.equals("yes") && !hc.equals("no")) {
                throw new CommandLine.UsageException("--half-close must be yes or no, not '" + hc + "'");
            }
            halfClose = hc.equals("yes");
            request = line.words().isEmpty() ? stdin
                    : new ByteArrayInputStream(String.join(" ", line.words()).getBytes(StandardCharsets.UTF_8));
        } catch (CommandLine.UsageException e) {
            return Programs.usageError("HalfCloseClient", e, USAGE, err);
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getByName(host), port), Timeouts.millis(timeout));
            out.write(exchange(socket, request, halfClose, timeout));
            out.println();
            return 0;
        } catch (UnknownHostException e) {
            err.println("HalfCloseClient: unknown host '" + host + "'");
        } catch (ConnectException e) {
            err.println("HalfCloseClient: cannot connect to " + host + ":" + port + ": " + e.getMessage() + "; is the server running?");
        } catch (SocketTimeoutException e) {
            err.println("HalfCloseClient: no complete answer from " + host + ":" + port + " within "
                    + timeout.toMillis() + " ms" + (halfClose ? "" : " (the request was never ended with a half-close)"));
        } catch (IOException e) {
            err.println("HalfCloseClient: " + host + ":" + port + ": " + e.getMessage());
        }
        return Programs.EXIT_FAILURE;
    }
}
