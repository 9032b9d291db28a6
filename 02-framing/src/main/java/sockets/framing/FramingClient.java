package sockets.framing;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import sockets.cli.CommandLine;
import sockets.cli.Programs;
import sockets.cli.Timeouts;

/**
 * Sends messages to {@link FramingServer} and prints each reply on a line of its own.
 *
 * <pre>
 * FramingClient hello "two words" third     three messages, three replies
 * printf 'a\nb\n' | FramingClient           one message per line of standard input
 * </pre>
 */
public final class FramingClient {

    private static final String USAGE = """
            usage: FramingClient [--host HOST] [--port PORT] [--framing length|line] [--max-frame BYTES] [--timeout SECONDS] [MESSAGE ...]
              --host, --port           the server (default 127.0.0.1, 5002)
              --framing length|line    must match the server's (default length)
              --max-frame BYTES        largest reply accepted (default 1048576)
              --timeout SECONDS        give up on a reply after this long (default 10)
              MESSAGE ...              each argument is one message; without any, each line of standard input is one message""";

    private FramingClient() {
    }

    public static void main(String[] args) {
        Programs.exit(run(args, System.in, System.out, System.err));
    }

    static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        String host;
        int port;
        FramingServer.Framing framing;
        int maxFrame;
        Duration timeout;
        List<String> messages;
        try {
            CommandLine line = new CommandLine(args, Set.of("host", "port", "framing", "max-frame", "timeout"), Set.of(), true);
            if (line.help()) {
                out.println(USAGE);
                return 0;
            }
            host = line.string("host", "127.0.0.1");
            port = line.number("port", FramingServer.DEFAULT_PORT, 1, 65_535);
            framing = FramingServer.parseFraming(line);
            maxFrame = line.number("max-frame", FramingServer.DEFAULT_MAX_FRAME, 1, Frames.LARGEST_LIMIT - 1);
            timeout = line.seconds("timeout", Duration.ofSeconds(10));
            messages = line.words();
        } catch (CommandLine.UsageException e) {
            return Programs.usageError("FramingClient", e, USAGE, err);
        }
        String target = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getByName(host), port), Timeouts.millis(timeout));
            socket.setSoTimeout(Timeouts.millis(timeout));
            FrameReader replies = framing.reader(new BufferedInputStream(socket.getInputStream()), maxFrame);
            FrameWriter requests = framing.writer(socket.getOutputStream(), maxFrame);
            if (messages.isEmpty()) {
                BufferedReader lines = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
                String message;
                while ((message = lines.readLine()) != null) {
                    exchange(message, requests, replies, out);
                }
            } else {
                for (String message : messages) {
                    exchange(message, requests, replies, out);
                }
            }
            return 0;
        } catch (UnknownHostException e) {
            err.println("FramingClient: unknown host '" + host + "'");
        } catch (ConnectException e) {
            err.println("FramingClient: cannot connect to " + target + ": " + e.getMessage() + "; is the server running?");
        } catch (SocketTimeoutException e) {
            err.println("FramingClient: " + target + " did not answer within " + timeout.toMillis() + " ms");
        } catch (IllegalArgumentException e) {
            err.println("FramingClient: cannot send that message: " + e.getMessage());
        } catch (IOException e) {
            err.println("FramingClient: " + target + ": " + e.getMessage());
        }
        return Programs.EXIT_FAILURE;
    }

    private static void exchange(String message, FrameWriter requests, FrameReader replies, PrintStream out)
            throws IOException {
        requests.writeFrame(message.getBytes(StandardCharsets.UTF_8));
        byte[] reply = replies.readFrame();
        if (reply == null) {
            throw new IOException("the server closed the connection before replying");
        }
        out.println(new String(reply, StandardCharsets.UTF_8)); // decode only whole frames (F-07)
    }
}
