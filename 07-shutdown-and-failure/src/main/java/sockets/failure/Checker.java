package sockets.failure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import sockets.cli.AcrossTheLink;
import sockets.cli.Programs;
import sockets.cli.Wire;
import sockets.cli.Wire.Peer;
import sockets.cli.Wire.Session;
import sockets.cli.Wire.Stage;

/**
 * Checks any one-request-per-connection server at HOST:PORT that works the HTTP/1.0 way (the
 * lesson's {@code HalfCloseServer} protocol), in any language, over the wire: the client sends its
 * request and shuts down its sending side; the server answers with the request in upper case and
 * closes.
 *
 * <pre>07-shutdown-and-failure/run Checker 127.0.0.1:5007</pre>
 */
public final class Checker {

    private static final Duration PATIENCE = Duration.ofSeconds(5);

    private Checker() {
    }

    public static List<Stage> stages() {
        return List.of(
                new Stage("a request ended by a half-close gets its answer, then end of stream",
                        "the half-close is the end of the request; the server's close is the end of the answer",
                        s -> exchange(s, "hello, server".getBytes(StandardCharsets.US_ASCII), false)),
                new Stage("a request in single-byte pieces is answered whole",
                        "the request is everything before end of stream, however it was split", s -> {
                            byte[] request = new byte[20 + s.random().nextInt(20)];
                            for (int i = 0; i < request.length; i++) {
                                request[i] = (byte) ('a' + s.random().nextInt(26));
                            }
                            exchange(s, request, true);
                        }),
                new Stage("a 256 KiB request gets its whole answer",
                        "the server reads to end of stream before answering; the client writes while nobody reads yet", s -> {
                            byte[] request = new byte[256 * 1024];
                            for (int i = 0; i < request.length; i++) {
                                request[i] = (byte) ('a' + s.random().nextInt(26));
                            }
                            exchange(s, request, false);
                        }),
                new Stage("50 clients at once each get their own answer",
                        "each connection is one request: serve them side by side", s -> {
                            List<CompletableFuture<String>> all = new ArrayList<>();
                            for (int i = 0; i < 50; i++) {
                                byte[] request = ("request number " + i).getBytes(StandardCharsets.US_ASCII);
                                all.add(CompletableFuture.supplyAsync(() -> {
                                    try {
                                        exchange(s, request, false);
                                        return null;
                                    } catch (Exception e) {
                                        return new String(request, StandardCharsets.US_ASCII) + ": " + e.getMessage();
                                    }
                                }, Thread::startVirtualThread));
                            }
                            for (CompletableFuture<String> f : all) {
                                String problem = f.get(20, TimeUnit.SECONDS);
                                s.expect(problem == null, "every client's answer", problem);
                            }
                        }),
                new Stage("a client that never ends its request holds up nobody else",
                        "a request without an end must cost one connection until a deadline, never the others' answers", s -> {
                            Peer stuck = s.connect(PATIENCE);
                            stuck.send("I will never finish".getBytes(StandardCharsets.US_ASCII));
                            exchange(s, "meanwhile".getBytes(StandardCharsets.US_ASCII), false);
                            stuck.socket().close();
                        }),
                new Stage("a client that resets does not affect the others",
                        "a reset fails that one connection; close it and serve everyone else", s -> {
                            Peer rude = s.connect(PATIENCE);
                            rude.send("half a request".getBytes(StandardCharsets.US_ASCII));
                            rude.reset();
                            exchange(s, "after the reset".getBytes(StandardCharsets.US_ASCII), false);
                        }),
                new Stage("text in UTF-8, its characters split across writes and reads, gets its upper case",
                        "a character can take 2 to 4 bytes, and a read can end inside one: decode the request once, when it is whole"
                                + " (or with a decoder that keeps a split character for the next read), never read by read", s -> {
                            // Short: the 'ä' of "käse" split between two writes (a server that reads late may still get them in one read),
                            // then again in pieces of 1 to 8 bytes.
                            String rest = "se, " + text(s, 40);
                            byte[] ae = "ä".getBytes(StandardCharsets.UTF_8);
                            byte[] first = {'k', ae[0]};
                            byte[] second = ("_" + rest).getBytes(StandardCharsets.UTF_8);
                            second[0] = ae[1];
                            exchangeInWrites(s, List.of(first, second), UTF8_UPPER);
                            exchange(s, ("käse, " + rest).getBytes(StandardCharsets.UTF_8), true, UTF8_UPPER);
                            // Long (about 100 KiB) of 2- to 4-byte characters only: every read ends inside a character more often than not.
                            exchange(s, text(s, 40_000).getBytes(StandardCharsets.UTF_8), false, UTF8_UPPER);
                        }),
                new Stage("a request half-closed while the server owes more answer than its send buffer holds gets all of it",
                        "a short answer here means the server closed when it read end of stream while it still held answer its"
                                + " kernel had no room for: end of stream ends the request, not the answer; send what is owed, then close",
                        s -> {
                            // For a server that answers as it reads: the client reads nothing and sends its FIN only once
                            // the server's send buffer is full and it holds some answer itself (Peer.oweAtEnd). A server
                            // that answers only at end of stream gets the FIN after a few pieces and passes.
                            Peer c = s.connect(PATIENCE, 8 * 1024);
                            byte[] request = new byte[(int) Math.min(64L << 20, 2 * Wire.sendBufferCeiling() + (4 << 20))];
                            for (int i = 0; i < request.length; i++) {
                                request[i] = (byte) ('a' + s.random().nextInt(26));
                            }
                            Peer.Owed owed = c.oweAtEnd(request, Duration.ofSeconds(2));
                            s.expectSame(owed.sent().length + " bytes in upper case, then end of stream", ASCII_UPPER.apply(owed.sent()), owed.got());
                        }),
                new Stage(Wire.overANetwork("three requests of 20 to 120 KB, each sent in one write, answered whole"),
                        "a short answer, or one that comes before the request has ended, means the server took one read for the whole"
                                + " request: a network delivers a large write in 1,448-byte segments, in several reads, some a round trip"
                                + " apart; read until end of stream, then answer", s -> {
                            for (int i = 0; i < 3; i++) {
                                // Odd sizes over TCP's first flight (10 segments, 14,480 bytes).
                                byte[] request = new byte[20_001 + 2 * s.random().nextInt(50_000)];
                                for (int b = 0; b < request.length; b++) {
                                    request[b] = (byte) (b % 61 == 60 ? ' ' : 'a' + s.random().nextInt(26));
                                }
                                Peer c = s.connect(PATIENCE);
                                c.sendOverANetwork(request);
                                c.shutdownOutput();
                                byte[] answer = c.readToEnd(request.length * 2 + 1024);
                                s.expectSame("request " + (i + 1) + " in upper case, then end of stream", ASCII_UPPER.apply(request), answer);
                            }
                        }));
    }

    /**
     * Lower-case letters whose upper case Java, Python and JavaScript agree on, and signs that have none; 2 to 4 bytes each
     * in UTF-8 (a 4-byte one is a surrogate pair in Java and JavaScript, which a read can split too). Each has a one-to-one
     * upper case, so a server that maps code point by code point (Character.toUpperCase)
     * and one that uses the full mapping (String.toUpperCase, Python's str.upper) give the same answer: no 'ß', which
     * one keeps and the other makes "SS".
     */
    private static final String[] LETTERS = {"ö", "é", "ü", "ø", "ç", "ñ", "æ", "å", "π", "λ", "ж", "я", "ё", "€", "日", "本", "—", "ā", "ł", "ő", "𐐨", "😀"};

    /** Upper case the way a server that decodes the whole request as UTF-8 computes it. */
    private static final java.util.function.UnaryOperator<byte[]> UTF8_UPPER = b -> new String(b, StandardCharsets.UTF_8)
            .toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);

    /** Upper case of ASCII text (every byte under 0x80). */
    private static final java.util.function.UnaryOperator<byte[]> ASCII_UPPER = b -> new String(b, StandardCharsets.ISO_8859_1)
            .toUpperCase(Locale.ROOT).getBytes(StandardCharsets.ISO_8859_1);

    /** {@code n} random characters of {@link #LETTERS}, with a space now and then. */
    private static String text(Session s, int n) {
        StringBuilder t = new StringBuilder();
        for (int i = 0; i < n; i++) {
            t.append(s.random().nextInt(8) == 0 ? " " : LETTERS[s.random().nextInt(LETTERS.length)]);
        }
        return t.toString();
    }

    /** Sends each of {@code writes} apart (a few milliseconds between them), half-closes, and checks the answer. */
    static void exchangeInWrites(Session s, List<byte[]> writes, java.util.function.UnaryOperator<byte[]> upper) throws Exception {
        Peer c = s.connect(PATIENCE);
        java.io.ByteArrayOutputStream whole = new java.io.ByteArrayOutputStream();
        for (byte[] w : writes) {
            c.send(w);
            whole.write(w);
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
        }
        c.shutdownOutput();
        byte[] request = whole.toByteArray();
        byte[] answer = c.readToEnd(request.length * 2 + 1024);
        s.expectSame("the request in upper case, then end of stream", upper.apply(request), answer);
    }

    /** Sends {@code request}, half-closes, reads to the end, and checks the answer is the request in upper case. */
    static void exchange(Session s, byte[] request, boolean inPieces) throws Exception {
        exchange(s, request, inPieces, ASCII_UPPER);
    }

    static void exchange(Session s, byte[] request, boolean inPieces, java.util.function.UnaryOperator<byte[]> upper) throws Exception {
        Peer c = s.connect(PATIENCE);
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
            try {
                if (inPieces) {
                    c.sendInPieces(request);
                } else {
                    c.send(request);
                }
                c.shutdownOutput();
            } catch (IOException e) {
                throw new IllegalStateException("sending failed: " + e.getMessage(), e);
            }
        }, Thread::startVirtualThread);
        byte[] answer = c.readToEnd(request.length * 2 + 1024);
        byte[] expected = upper.apply(request);
        try {
            sent.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (Arrays.equals(answer, expected)) {
                throw e;
            } // else the server closed early: the answer it sent says more than the broken pipe
        }
        if (upper == ASCII_UPPER) {
            s.expect(Arrays.equals(answer, expected), Wire.hex(expected) + ", then end of stream", Wire.hex(answer));
        } else {
            s.expectSame("the request in upper case, then end of stream", expected, answer);
        }
    }

    public static void main(String[] args) {
        // --link SPEC --server 'COMMAND': the same stages, with the server across lesson 06's link
        int acrossTheLink = AcrossTheLink.runIfAsked("07-shutdown-and-failure/run Checker", args, 5007, System.err);
        if (acrossTheLink >= 0) {
            Programs.exit(acrossTheLink);
            return;
        }
        Programs.exit(Wire.main("07-shutdown-and-failure/run Checker", "Checks a request/answer server that ends requests with a half-close; exit 0 only if every stage passes.",
                args, stages(), System.out, System.err));
    }
}
