package sockets.failure;

import java.io.ByteArrayInputStream;
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
import java.util.Set;
import sockets.cli.CommandLine;
import sockets.cli.Programs;

/**
 * Sends one request to {@link HalfCloseServer} and prints the whole answer: writes the request,
 * shuts down its sending side (the end of the request), then reads until the server closes.
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

    // tag::exchange[]
    /** Sends the request, half-closes, and returns everything the server sends back. */
    public static byte[] exchange(Socket socket, InputStream request, boolean halfClose) throws IOException {
        request.transferTo(socket.getOutputStream());
        if (halfClose) {
            socket.shutdownOutput(); // "my request is complete"; the socket can still read
        }
        return socket.getInputStream().readAllBytes(); // until the server closes its side
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
            socket.connect(new InetSocketAddress(InetAddress.getByName(host), port), Math.toIntExact(timeout.toMillis()));
            socket.setSoTimeout(Math.toIntExact(timeout.toMillis()));
            out.write(exchange(socket, request, halfClose));
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
