package sockets.threaded;

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
import java.util.Set;
import sockets.cli.CommandLine;
import sockets.cli.Programs;
import sockets.cli.Timeouts;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
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

    /**
     * The longest answer accepted, 8 MiB: the default server's largest (1,000 names of 256 bytes,
     * each written twice with every byte escaped as {@code \\u00XX}: about 3.1 MB) fits with room for
     * a server keeping more names; a heap does not fill. While reading, the client holds at most
     * about twice this (the growing buffer and its final copy).
     */
    public static final int MAX_ANSWER_BYTES = 8 << 20;

    /** The bound on the whole answer when the socket has no read timeout of its own. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** A parser with limits, so a hostile server cannot make it nest, or hold, without bound. */
    private static final JsonMapper JSON = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxDocumentLength(MAX_ANSWER_BYTES)
                    .maxNestingDepth(16)
                    .maxStringLength(64 * 1024)
                    .build())
            .build()).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    /**
     * The server's answer is not an answer: nothing at all (the server closed without answering),
     * cut short, not JSON, too long, or JSON that is neither a list nor a refusal.
     */
    public static final class BadAnswerException extends IOException {
        public BadAnswerException(String message) {
            super(message);
        }
    }

    private ClientListClient() {
    }

    /**
     * {@link #register(Socket, String, Duration)} bounded by the socket's read timeout for the
     * whole answer, or by {@link #DEFAULT_TIMEOUT} if it has none.
     */
    public static JsonNode register(Socket socket, String name) throws IOException {
        int soTimeout = socket.getSoTimeout();
        return register(socket, name, soTimeout > 0 ? Duration.ofMillis(soTimeout) : DEFAULT_TIMEOUT);
    }

    // tag::fetch[]
    /**
     * Sends the name, half-closes, reads the whole answer (up to a limit, within {@code timeout}
     * for all of it), and parses it. Returns a list (an object whose every value is an object) or
     * a refusal (see {@link #refusal}); anything else is a {@link BadAnswerException}.
     */
    public static JsonNode register(Socket socket, String name, Duration timeout) throws IOException {
        long deadline = Timeouts.deadline(timeout);
        socket.getOutputStream().write((name + "\n").getBytes(StandardCharsets.UTF_8)); // 257 bytes at most: fits
        socket.shutdownOutput(); // nothing more from us
        // The server closes after the last byte: that is the framing. Read to the end, but not
        // without bound: one byte more than the limit says the answer is too long.
        byte[] answer = readToEnd(socket, MAX_ANSWER_BYTES + 1, deadline, timeout);
        if (answer.length > MAX_ANSWER_BYTES) {
            throw new BadAnswerException("the answer is longer than " + MAX_ANSWER_BYTES + " bytes");
        }
        return parse(answer);
    }

    /** A whole answer as a list or a refusal; an empty, cut or other answer is a {@link BadAnswerException}. */
    public static JsonNode parse(byte[] answer) throws BadAnswerException {
        if (answer.length == 0) {
            throw new BadAnswerException("the server closed without answering");
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(answer);
        } catch (JacksonException e) {
            throw new BadAnswerException("the answer is not valid JSON (cut short?): " + e.getOriginalMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw new BadAnswerException("the answer is not a JSON object");
        }
        if (refusal(tree) == null) {
            for (JsonNode entry : tree.values()) {
                if (!entry.isObject()) {
                    throw new BadAnswerException("the answer is neither a list of clients nor a refusal");
                }
            }
        }
        return tree;
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

    /** Reads to the end of the stream, at most {@code most} bytes, all before {@code deadline}. */
    private static byte[] readToEnd(Socket socket, int most, long deadline, Duration timeout) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        String late = "no complete answer within " + timeout.toMillis() + " ms";
        while (answer.size() < most) {
            socket.setSoTimeout(Timeouts.millisLeft(deadline, late));
            int n;
            try {
                n = in.read(buffer, 0, Math.min(buffer.length, most - answer.size()));
            } catch (SocketTimeoutException e) {
                throw (SocketTimeoutException) new SocketTimeoutException(late).initCause(e);
            }
            if (n == -1) {
                break;
            }
            answer.write(buffer, 0, n);
        }
        return answer.toByteArray();
    }


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
            socket.connect(new InetSocketAddress(InetAddress.getByName(host), port), Timeouts.millis(timeout));
            JsonNode list = register(socket, name, timeout);
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
        } catch (BadAnswerException e) {
            err.println("ClientListClient: no usable answer from " + host + ":" + port + ": " + e.getMessage());
        } catch (IOException e) {
            err.println("ClientListClient: " + host + ":" + port + ": " + e.getMessage());
        }
        return Programs.EXIT_FAILURE;
    }
}
