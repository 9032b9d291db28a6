package sockets.threaded;

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
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends a name to {@link ClientListServer} and prints the list it answers with, pretty-printed.
 * The answer ends when the server closes its side, so the client reads to the end of the stream:
 * never one read of 1,024 bytes (T-06).
 */
public final class ClientListClient {

    private static final String USAGE = """
            usage: ClientListClient --name NAME [--host HOST] [--port PORT] [--timeout SECONDS]
              --name NAME         the name to register (UTF-8, at most 256 bytes)
              --host, --port      the server (default 127.0.0.1, 5005)
              --timeout SECONDS   give up on the answer after this long (default 10)""";

    /** The longest answer accepted: far more than 1,000 names of 256 bytes, far less than a heap. */
    public static final int MAX_ANSWER_BYTES = 16 << 20;

    /** A parser with limits, so a hostile server cannot make it nest, or hold, without bound. */
    private static final JsonMapper JSON = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxDocumentLength(MAX_ANSWER_BYTES)
                    .maxNestingDepth(16)
                    .maxStringLength(64 * 1024)
                    .build())
            .build()).build();

    private ClientListClient() {
    }

    // tag::fetch[]
    /** Sends the name, half-closes, reads the whole answer (up to a limit), and parses it. */
    public static JsonNode register(Socket socket, String name) throws IOException {
        socket.getOutputStream().write((name + "\n").getBytes(StandardCharsets.UTF_8));
        socket.shutdownOutput(); // nothing more from us
        InputStream in = socket.getInputStream();
        // The server closes after the last byte: that is the framing. Read to the end, but not
        // without bound: one byte more than the limit says the answer is too long.
        byte[] answer = in.readNBytes(MAX_ANSWER_BYTES + 1);
        if (answer.length > MAX_ANSWER_BYTES) {
            throw new IOException("the answer is longer than " + MAX_ANSWER_BYTES + " bytes");
        }
        return JSON.readTree(answer);
    }

    /**
     * The server's reason when {@code answer} is a refusal, else null. A refusal is an object with
     * one key, {@code error}, whose value is text; in a list every value is an object, so a client
     * that registered under the name "error" does not look like a refusal.
     */
    public static String refusal(JsonNode answer) {
        JsonNode error = answer.get("error");
        return answer.size() == 1 && error != null && error.isString() ? error.asString() : null;
    }
    // end::fetch[]

    public static void main(String[] args) {
        Programs.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String host;
        int port;
        String name;
        Duration timeout;
        try {
            CommandLine line = new CommandLine(args, Set.of("host", "port", "name", "timeout"), Set.of(), false);
            if (line.help()) {
                out.println(USAGE);
                return 0;
            }
            name = line.string("name", null);
            if (name == null || name.isBlank()) {
                throw new CommandLine.UsageException("--name is required");
            }
            if (name.getBytes(StandardCharsets.UTF_8).length > ClientListServer.MAX_NAME_BYTES || name.contains("\n")) {
                throw new CommandLine.UsageException("--name must be one line of at most " + ClientListServer.MAX_NAME_BYTES + " bytes");
            }
            host = line.string("host", "127.0.0.1");
            port = line.number("port", ClientListServer.DEFAULT_PORT, 1, 65_535);
            timeout = line.seconds("timeout", Duration.ofSeconds(10));
        } catch (CommandLine.UsageException e) {
            return Programs.usageError("ClientListClient", e, USAGE, err);
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getByName(host), port), Math.toIntExact(timeout.toMillis()));
            socket.setSoTimeout(Math.toIntExact(timeout.toMillis()));
            JsonNode list = register(socket, name);
            if (refusal(list) != null) {
                err.println("ClientListClient: the server refused: " + refusal(list));
                return Programs.EXIT_FAILURE;
            }
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(list));
            return 0;
        } catch (UnknownHostException e) {
            err.println("ClientListClient: unknown host '" + host + "'");
        } catch (ConnectException e) {
            err.println("ClientListClient: cannot connect to " + Programs.hostPort(new InetSocketAddress(host, port)) + ": " + e.getMessage() + "; is the server running?");
        } catch (SocketTimeoutException e) {
            err.println("ClientListClient: no complete answer from " + host + ":" + port + " within " + timeout.toMillis() + " ms");
        } catch (JacksonException e) {
            err.println("ClientListClient: the answer is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            err.println("ClientListClient: " + host + ":" + port + ": " + e.getMessage());
        }
        return Programs.EXIT_FAILURE;
    }
}
