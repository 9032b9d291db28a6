package sockets.threaded.exercises;

import static sockets.exercise.Teach.check;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import sockets.exercise.Teach;
import sockets.exercise.Who;
import sockets.threaded.NaiveClientList;

/**
 * The stages of the whole-answer exercise, against a scripted server on loopback. The reference is
 * {@link sockets.threaded.ClientListClient#register}; the naive code reads one buffer of 1,024 bytes
 * ({@link NaiveClientList#readAnswer}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(Who.Resolver.class)
class WholeAnswerStages {

    private static final String README = " (05-threaded-server/README.md, \"Read the answer to the end of the stream\")";
    private static final int MAX = 64 * 1024;

    interface Registrar {
        String register(Socket socket, String name) throws IOException;
    }

    private static Registrar subject(Who who) {
        return who.pick(() -> (s, n) -> ClientListClient.register(s, n, MAX),
                () -> (s, n) -> sockets.threaded.ClientListClient.register(s, n).toString(),
                () -> (s, n) -> {
                    s.getOutputStream().write((n + "\n").getBytes(StandardCharsets.UTF_8));
                    return NaiveClientList.readAnswer(s.getInputStream());
                });
    }

    /** What the scripted server does once it has read the name (up to a newline or end of stream). */
    interface Script {
        void answer(String name, OutputStream out) throws IOException;
    }

    /** Runs one exchange against a server that reads the name then follows {@code script}, then closes. */
    private static String exchange(Who who, String name, Script script) throws Exception {
        return exchange(who, name, script, false);
    }

    /** As above; with {@code reset}, the server's close sends a reset (RST) instead of end of stream (FIN). */
    private static String exchange(Who who, String name, Script script, boolean reset) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()); Socket client = new Socket()) {
            CompletableFuture<String> served = CompletableFuture.supplyAsync(() -> {
                try (Socket peer = listener.accept()) {
                    peer.setSoTimeout(2000);
                    String got = readName(peer.getInputStream());
                    script.answer(got, peer.getOutputStream());
                    if (reset) {
                        peer.setSoLinger(true, 0); // close() now resets the connection
                    }
                    return got;
                } catch (SocketTimeoutException e) {
                    return null; // the name never ended
                } catch (IOException e) {
                    return "";
                }
            }, Thread::startVirtualThread);
            client.connect(listener.getLocalSocketAddress());
            client.setSoTimeout(1000);
            CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return subject(who).register(client, name);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, Thread::startVirtualThread);
            try {
                String got = answer.get(10, TimeUnit.SECONDS);
                check(served.get(5, TimeUnit.SECONDS) != null, "the name \"" + name + "\"", "the server never saw the name end",
                        "a newline after the name, or shutdownOutput()", "the server cannot tell a finished name from a slow one" + README);
                return got;
            } catch (TimeoutException e) {
                client.close();
                throw Teach.failure("the name \"" + name + "\"", "no result after 10 s", "the answer, or an exception",
                        "every wait on a socket must be bounded" + README);
            } catch (ExecutionException e) {
                Throwable why = e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause() : e.getCause();
                String seen = served.getNow("");
                if (why instanceof SocketTimeoutException) { // did the server ever see the name end? (its own read gives up after 2 s)
                    try {
                        seen = served.get(5, TimeUnit.SECONDS);
                    } catch (TimeoutException | ExecutionException notKnown) {
                        seen = "";
                    }
                }
                if (seen == null) {
                    throw Teach.failure("the name \"" + name + "\" with no newline and no half-close", "the server still waiting for the end of the name",
                            "a newline after the name, or shutdownOutput()", "the server cannot tell a finished name from a slow one" + README);
                }
                Throwable cause = e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause() : e.getCause();
                if (cause instanceof Exception ex) {
                    throw ex;
                }
                throw new AssertionError(cause);
            }
        }
    }

    /** The same JSON document (the lesson's client returns it re-serialised, so spacing may differ). */
    private static boolean same(String expected, String got) {
        try {
            return got != null && JSON.readTree(expected).equals(JSON.readTree(got));
        } catch (tools.jackson.core.JacksonException e) {
            return false;
        }
    }

    private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder().build();

    private static String readName(InputStream in) throws IOException {
        StringBuilder name = new StringBuilder();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            name.append((char) b);
        }
        return name.toString();
    }

    private static String list(String name, int padding) {
        return "{\"" + name + "\": {\"name\": \"" + name + "\", \"address\": \"127.0.0.1\", \"port\": 50000, \"note\": \""
                + "x".repeat(padding) + "\"}}";
    }

    @Test
    @Order(1)
    @DisplayName("1. a short answer, read to the server's close")
    void shortAnswer(Who who) throws Exception {
        String expected = list("alice", 10);
        String got = exchange(who, "alice", (name, out) -> out.write(expected.getBytes(StandardCharsets.UTF_8)));
        check(same(expected, got), "name \"alice\"; the server answers " + expected.length() + " bytes and closes",
                String.valueOf(got), expected, "the answer is everything until the server closes" + README);
    }

    @Test
    @Order(2)
    @DisplayName("2. the server can tell the name is complete")
    void nameEnds(Who who) throws Exception {
        String got = exchange(who, "bob", (name, out) -> out.write(list(name, 0).getBytes(StandardCharsets.UTF_8)));
        check(got.contains("\"bob\""), "name \"bob\"", got, "a list with bob", "the server answers for the name it read" + README);
    }

    @Test
    @Order(3)
    @DisplayName("3. an answer of 6 KiB in many pieces arrives whole")
    void manyPieces(Who who) throws Exception {
        String expected = list("carol", 6000);
        String got = exchange(who, "carol", (name, out) -> {
            byte[] all = expected.getBytes(StandardCharsets.UTF_8);
            for (int at = 0; at < all.length; at += 500) {
                out.write(all, at, Math.min(500, all.length - at));
                out.flush();
                LockSupport.parkNanos(2_000_000);
            }
        });
        check(same(expected, got), "name \"carol\"; the server sends " + expected.length() + " bytes in pieces of 500, then closes",
                got.length() + " characters" + (got.length() < expected.length() ? ", the JSON cut short" : ""),
                "the same JSON, " + expected.length() + " characters",
                "one read returns what has arrived (T-06): the seed's recv(1024) gets half a document (BUG-40)" + README);
    }

    @Test
    @Order(4)
    @DisplayName("4. an answer over the limit is refused, not held")
    void overLimit(Who who) throws Exception {
        try {
            String got = exchange(who, "dave", (name, out) -> {
                byte[] chunk = new byte[64 * 1024];
                java.util.Arrays.fill(chunk, (byte) ' ');
                for (int i = 0; i < 320 && !Thread.currentThread().isInterrupted(); i++) { // 20 MiB
                    out.write(chunk);
                }
            });
            throw Teach.failure("name \"dave\"; the server sends 20 MiB", got.length() + " characters", "an IOException (answer too long)",
                    "a client must bound what it holds: a broken or hostile server can send without end" + README);
        } catch (IOException expected) {
            // right: the limit is the reader's, not the server's
        }
    }

    @Test
    @Order(5)
    @DisplayName("5. a server that never closes: the read timeout reaches the caller")
    void neverCloses(Who who) throws Exception {
        try {
            String got = exchange(who, "erin", (name, out) -> {
                out.write("{\"erin\": ".getBytes(StandardCharsets.UTF_8));
                out.flush();
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(5));
            });
            throw Teach.failure("name \"erin\"; the server sends 9 bytes and never closes", String.valueOf(got),
                    "SocketTimeoutException (the socket's SO_TIMEOUT is 1 s)", "the answer's end is the server's close: without it there is no answer" + README);
        } catch (SocketTimeoutException expected) {
            // right
        }
    }

    @Test
    @Order(6)
    @DisplayName("6. non-ASCII names, their characters split between the server's writes, arrive whole")
    void splitCharacters(Who who) throws Exception {
        // About 17 KB, nearly half of it bytes inside 2-, 3- and 4-byte characters: a reader that decodes read by read (16 reads
        // of 1,024 bytes at the least) splits one, whatever sizes its reads come in.
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < 100; i++) {
            String name = "straße-zoë-" + "日本語のなまえ\uD83D\uDE00".repeat(3) + "-" + i;
            json.append(i == 0 ? "" : ", ").append('"').append(name).append("\": {\"name\": \"").append(name)
                    .append("\", \"address\": \"127.0.0.1\", \"port\": ").append(50000 + i).append('}');
        }
        String expected = json.append('}').toString();
        String got = exchange(who, "straße-zoë", (name, out) -> {
            byte[] all = expected.getBytes(StandardCharsets.UTF_8);
            // Pieces of 7 bytes, then of 509 (a prime: its multiples fall inside characters all over the
            // text). No pause between them: 2,500 paced pieces outlasted the answer's deadline on a loaded
            // machine, and the split characters need no pause.
            for (int at = 0, piece; at < all.length; at += piece) {
                piece = Math.min(at < 700 ? 7 : 509, all.length - at);
                out.write(all, at, piece);
                out.flush();
            }
        });
        check(same(expected, got), "the server sends " + expected.getBytes(StandardCharsets.UTF_8).length
                        + " bytes of UTF-8 (names like \"straße-zoë-日本-\uD83D\uDE00\") in pieces of 7, then of 509, then closes",
                got == null ? "null" : got.contains("\uFFFD") ? "text with U+FFFD replacement characters: a character was split between reads"
                        : got.length() + " characters", "the same JSON",
                "a character can be 2 to 4 bytes and a read can end inside one: collect the bytes, decode once at the end" + README);
    }
    @Test
    @Order(7)
    @DisplayName("7. an answer cut short by a reset is an error, not a shorter answer")
    void resetMidAnswer(Who who) throws Exception {
        String whole = list("gwen", 3000);
        byte[] half = whole.substring(0, whole.length() / 2).getBytes(StandardCharsets.UTF_8);
        String got;
        try {
            got = exchange(who, "gwen", (name, out) -> {
                out.write(half);
                out.flush();
            }, true);
        } catch (IOException expected) {
            return; // the reset reached the caller: whatever was read is not the answer
        }
        throw Teach.failure("name \"gwen\"; the server sends " + half.length + " bytes of a " + whole.length()
                        + "-byte answer, then resets the connection (RST, no FIN)", got == null ? "null" : "a result of " + got.length() + " characters",
                "an IOException (connection reset)", "only end of stream ends the answer; a reset means it was cut short,"
                        + " and a caller must not take the part for the whole" + README);
    }
}
