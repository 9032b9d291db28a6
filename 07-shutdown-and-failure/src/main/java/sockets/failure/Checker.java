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
import sockets.cli.ServerProcess;
import sockets.cli.Wire;
import sockets.cli.Wire.Failed;
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
                        "the half-close is the end of the request; the server's close is the end of the answer; the answer is every"
                                + " byte of the request in upper case, the spaces, tabs and line ends at either end included (never"
                                + " strip() it)",
                        // Blanks at both ends, every run: a server that strips the request loses them.
                        s -> exchange(s, " \t hello, server \r\n".getBytes(StandardCharsets.US_ASCII), false)),
                new Stage("a request in single-byte pieces, or with a 3 s pause in the middle, is answered whole",
                        "an answer to only the part before a pause means the server took a silence for the end of the request: the"
                                + " request is everything before end of stream, however it was split and however long the client"
                                + " pauses within the server's deadline (5 s at the least)", s -> {
                            byte[] request = new byte[20 + s.random().nextInt(20)];
                            for (int i = 0; i < request.length; i++) {
                                request[i] = (byte) ('a' + s.random().nextInt(26));
                            }
                            // The client that pauses runs meanwhile: the stage takes its 3 s, not 3 s more.
                            CompletableFuture<Void> paused = CompletableFuture.runAsync(() -> {
                                try {
                                    exchangeInWrites(s, List.of("hello,".getBytes(StandardCharsets.US_ASCII),
                                            " after a pause of 3 s".getBytes(StandardCharsets.US_ASCII)), ASCII_UPPER, Duration.ofSeconds(3));
                                } catch (Exception e) {
                                    throw new java.util.concurrent.CompletionException(e);
                                }
                            }, Thread::startVirtualThread);
                            exchange(s, request, true);
                            try {
                                paused.get(30, TimeUnit.SECONDS);
                            } catch (java.util.concurrent.ExecutionException e) {
                                throw e.getCause() instanceof java.util.concurrent.CompletionException c && c.getCause() instanceof Exception x ? x
                                        : e.getCause() instanceof Exception x ? x : e;
                            }
                        }),
                new Stage("a 256 KiB request gets its whole answer, and one of 16 MiB + 1 byte the error line of a request over the limit",
                        "a short answer means the server answered before end of stream (the client writes while nobody reads yet); a"
                                + " request of 16 MiB + 1 byte answered in full means nothing bounds what a client can make the server hold,"
                                + " or the limit is checked before a read is counted, so the last read goes over it unseen; one cut off"
                                + " without a word leaves the client unable to tell \"too large\" from a crash: stop reading past a limit of"
                                + " at most 16 MiB and say \"error: request over N bytes\"", s -> {
                            byte[] request = new byte[256 * 1024];
                            for (int i = 0; i < request.length; i++) {
                                request[i] = (byte) ('a' + s.random().nextInt(26));
                            }
                            exchange(s, request, false);
                            // Exactly one byte over the most a limit may be: every correct server refuses it.
                            byte[] over = new byte[MOST_LIMIT + 1];
                            for (int i = 0; i < over.length; i++) {
                                over[i] = (byte) ('a' + s.random().nextInt(26));
                            }
                            refusedOverTheLimit(s, over, ASCII_UPPER.apply(over), "no limit, or one checked before the last read was"
                                    + " counted");
                        }),
                new Stage("50 clients at once each get their own answer, and leave no zombie process behind",
                        "a client without its answer means the connections were not served side by side; zombie processes left after"
                                + " them mean a forking server never waits for its children (waitpid, or SIGCHLD set to SIG_IGN): each"
                                + " connection served keeps a process-table entry, and at the user's process limit fork() fails and"
                                + " nobody is served", s -> {
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
                            noZombies(s);
                        }),
                new Stage("a client that never ends its request, or never reads its answer, holds up nobody else",
                        "another client's answer waiting for this one means one connection holds the whole server: a request without"
                                + " an end, or an answer nobody takes (more than the kernel's buffers hold, so the server's write blocks),"
                                + " must cost that connection until a deadline, never the others' answers", s -> {
                            Peer stuck = s.connect(PATIENCE);
                            stuck.send("I will never finish".getBytes(StandardCharsets.US_ASCII));
                            exchange(s, "meanwhile".getBytes(StandardCharsets.US_ASCII), false);
                            stuck.socket().close();
                            Peer idle = answerStartedAndOwed(s, "the first byte of its answer, and reads no more");
                            exchange(s, "meanwhile, while an answer waits".getBytes(StandardCharsets.US_ASCII), false);
                            idle.socket().close();
                        }),
                new Stage("a client that resets, in its request or while the server writes its answer, does not affect the others",
                        "a client whose reset ends another's connection, or the server, means the failed read or write escaped that"
                                + " one connection (a C server killed by SIGPIPE, an uncaught exception): a reset fails that one"
                                + " connection; close it and serve everyone else", s -> {
                            Peer rude = s.connect(PATIENCE);
                            rude.send("half a request".getBytes(StandardCharsets.US_ASCII));
                            rude.reset();
                            exchange(s, "after the reset".getBytes(StandardCharsets.US_ASCII), false);
                            // A bystander in the middle of its request, then a reset while the server is writing an answer
                            // larger than the kernel's buffers: its next writes fail (ECONNRESET, then EPIPE).
                            Peer bystander = s.connect(PATIENCE);
                            byte[] first = "a bystander's request, ".getBytes(StandardCharsets.US_ASCII);
                            bystander.send(first);
                            Peer writing = answerStartedAndOwed(s, "the first byte of its answer; it resets while the server still writes the rest");
                            writing.reset();
                            // A bounded wait to show the reset never stops the server: a server that dies of it has died by now.
                            pause(Duration.ofMillis(500));
                            byte[] second = "finished after the reset".getBytes(StandardCharsets.US_ASCII);
                            bystander.send(second);
                            bystander.shutdownOutput();
                            byte[] request = Arrays.copyOf(first, first.length + second.length);
                            System.arraycopy(second, 0, request, first.length, second.length);
                            s.expectSame("the bystander's request in upper case, then end of stream", ASCII_UPPER.apply(request),
                                    bystander.readToEnd(request.length * 2 + 1024));
                        }),
                new Stage("text in UTF-8, its characters split across writes and reads, gets its upper case, and 17 MiB of it the error"
                        + " line of a request over the limit",
                        "a character can take 2 to 4 bytes, and a read can end inside one: decode the request once, when it is whole"
                                + " (or with a decoder that keeps a split character for the next read), never read by read; U+0000 and"
                                + " the other control characters are characters too, each its own upper case (C's mbstowcs() and"
                                + " strlen() stop at the NUL: convert by length); 17 MiB of"
                                + " 3-byte characters answered in full means the limit counts characters (a JavaScript string's length"
                                + " counts UTF-16 units), not the bytes received", s -> {
                            // Short: the 'ä' of "käse" split between two writes (a server that reads late may still get them in one read),
                            // then again in pieces of 1 to 8 bytes.
                            // NUL and other control characters in the middle, every run: each is its own upper case.
                            String rest = "se, " + text(s, 20) + "\0\u0001\u001b\u007f\0" + text(s, 20);
                            byte[] ae = "ä".getBytes(StandardCharsets.UTF_8);
                            byte[] first = {'k', ae[0]};
                            byte[] second = ("_" + rest).getBytes(StandardCharsets.UTF_8);
                            second[0] = ae[1];
                            exchangeInWrites(s, List.of(first, second), UTF8_UPPER);
                            exchange(s, ("käse, " + rest).getBytes(StandardCharsets.UTF_8), true, UTF8_UPPER);
                            // Long (about 100 KiB) of 2- to 4-byte characters only: every read ends inside a character more often than not.
                            exchange(s, text(s, 40_000).getBytes(StandardCharsets.UTF_8), false, UTF8_UPPER);
                            // 17 MiB of 3-byte characters: 5.9 million characters, and as many UTF-16 units, under 16 Mi.
                            String[] cjk = {"日", "本", "語", "中", "文", "字"}; // each its own upper case
                            byte[][] encoded = Arrays.stream(cjk).map(c -> c.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
                            byte[] over = new byte[OVER_THE_LIMIT];
                            for (int i = 0; i < over.length; i += 3) {
                                System.arraycopy(encoded[s.random().nextInt(encoded.length)], 0, over, i, 3);
                            }
                            refusedOverTheLimit(s, over, over, "a limit that counts the " + over.length / 3 + " characters (or UTF-16 units)"
                                    + " rather than the bytes");
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
     * Counts the server's children that have exited and were never waited for, after the 50 connections: fewer than 10
     * must be left. A server that reaps its children only when it accepts the next connection is given up to 5 more,
     * 200 ms apart. Where the server's process cannot be seen, says why in the transcript and checks nothing.
     */
    static void noZombies(Session s) throws Exception {
        ServerProcess.Found found = ServerProcess.find(s.target().getPort());
        if (found.process() == null) {
            s.note("zombie processes not counted: " + found.whyNot());
            return;
        }
        ServerProcess server = found.process();
        int zombies = server.zombies();
        for (int probe = 1; zombies >= 10 && probe <= 5; probe++) {
            exchange(s, ("one more, number " + probe).getBytes(StandardCharsets.US_ASCII), false);
            pause(Duration.ofMillis(200)); // a bounded wait: a child being reaped is gone by then
            zombies = server.zombies();
        }
        s.note("the server, " + server.what() + ", has " + zombies + " zombie children");
        s.expect(zombies < 10, "fewer than 10 of the server's children left as zombies once their connections ended",
                zombies + " zombie children of " + server.what() + ": exited, and never waited for");
    }

    /** The largest request limit the protocol allows a server: a request over it must be refused. */
    static final int MOST_LIMIT = 16 << 20;

    /** The size of stage 7's request over the limit: 17 MiB, a whole number of 3-byte characters. */
    static final int OVER_THE_LIMIT = 3 * ((MOST_LIMIT + (1 << 20)) / 3 + 1);

    /**
     * Sends {@code request} (over {@link #MOST_LIMIT}), reading all the while, and expects the refusal: the line
     * {@code error: request over N bytes} with N at most 16 MiB, after nothing or after the start of {@code answer} (a
     * server that answers as it reads), then end of stream or a reset (the client may still be sending). A server that
     * answers it whole is told {@code whole}: why it did not refuse.
     */
    static void refusedOverTheLimit(Session s, byte[] request, byte[] answer, String whole) throws Exception {
        Peer c = s.connect(PATIENCE);
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
            try {
                c.send(request);
                c.shutdownOutput();
            } catch (IOException e) {
                s.note("sending stopped (" + e.getMessage() + "): the server stopped reading");
            }
        }, Thread::startVirtualThread);
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        java.io.InputStream in = c.socket().getInputStream();
        byte[] buffer = new byte[64 * 1024];
        String end = "then end of stream";
        try {
            for (int r; got.size() <= answer.length + 1024 && (r = in.read(buffer)) >= 0; ) {
                got.write(buffer, 0, r);
            }
        } catch (java.net.SocketTimeoutException e) {
            throw new Failed("stalled: a request of " + request.length + " bytes got " + got.size() + " bytes back, then nothing for "
                    + c.socket().getSoTimeout() + " ms while the connection stayed open: a request over the limit must be refused"
                    + " at once, with \"error: request over N bytes\", N at most " + MOST_LIMIT);
        } catch (java.net.SocketException e) {
            end = "then the connection was reset";
        }
        sent.cancel(false);
        byte[] bytes = got.toByteArray();
        s.note("the " + request.length + "-byte request's client <- " + (bytes.length == 0 ? "nothing" : Wire.hex(bytes)) + ", " + end);
        String tail = new String(bytes, Math.max(0, bytes.length - 64), Math.min(64, bytes.length), StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher line = java.util.regex.Pattern.compile("error: request over ([0-9]{1,10}) bytes\n$").matcher(tail);
        String wanted = "\"error: request over N bytes\\n\" with N at most " + MOST_LIMIT + " (after nothing, or after the upper case of"
                + " the request's first bytes), then end of stream or a reset";
        if (line.find()) {
            long limit = Long.parseLong(line.group(1));
            int before = bytes.length - line.group().length();
            s.expect(limit <= MOST_LIMIT, wanted, "\"" + line.group().strip() + "\": a limit over 16 MiB");
            int differs = Arrays.mismatch(Arrays.copyOf(bytes, before), answer);
            s.expect(differs < 0 || differs >= before, wanted, Wire.difference(answer, Arrays.copyOf(bytes, before)) + " before the error line");
            return;
        }
        if (Arrays.equals(bytes, answer)) {
            throw new Failed("expected: " + wanted + "\ngot:      the whole request of " + request.length + " bytes in upper case, " + end
                    + ": " + whole);
        }
        throw new Failed("expected: " + wanted + "\ngot:      " + (bytes.length == 0 ? "nothing" : Wire.hex(bytes)) + ", " + end
                + ": no error line" + (bytes.length == 0 ? ", so the client cannot tell \"too large\" from a crash" : ""));
    }

    /**
     * Connects with a small receive buffer, sends a request whose answer is more than the kernel's buffers hold (but under
     * 16 MiB; a server with a smaller limit refuses it, and its error line is the answer), half-closes and reads the
     * answer's first byte: the server is writing, and the rest cannot all fit in its send buffer and this client's
     * receive buffer. Returns the client, which reads no more.
     */
    static Peer answerStartedAndOwed(Session s, String what) throws Exception {
        byte[] request = new byte[(int) Math.min(MOST_LIMIT - (1 << 20), 2 * Wire.sendBufferCeiling() + (2 << 20))];
        for (int i = 0; i < request.length; i++) {
            request[i] = (byte) ('a' + s.random().nextInt(26));
        }
        Peer c = s.connect(PATIENCE, 8 * 1024);
        CompletableFuture.runAsync(() -> {
            try {
                c.send(request);
                c.shutdownOutput();
            } catch (IOException e) {
                s.note("sending stopped (" + e.getMessage() + "): the server stopped reading");
            }
        }, Thread::startVirtualThread);
        c.read(1);
        s.note("(the client that sent those " + request.length + " bytes has read " + what + ")");
        return c;
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

    /** Waits {@code d} at least (parkNanos may return early). */
    static void pause(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        for (long left; (left = end - System.nanoTime()) > 0; ) {
            java.util.concurrent.locks.LockSupport.parkNanos(left);
        }
    }

    /** Sends each of {@code writes} apart (a few milliseconds between them), half-closes, and checks the answer. */
    static void exchangeInWrites(Session s, List<byte[]> writes, java.util.function.UnaryOperator<byte[]> upper) throws Exception {
        exchangeInWrites(s, writes, upper, Duration.ofMillis(20));
    }

    /** The same, {@code pause} between the writes (a client that pauses: part of the input, not a synchronisation). */
    static void exchangeInWrites(Session s, List<byte[]> writes, java.util.function.UnaryOperator<byte[]> upper, Duration pause)
            throws Exception {
        Peer c = s.connect(PATIENCE);
        java.io.ByteArrayOutputStream whole = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < writes.size(); i++) {
            if (i > 0) {
                if (pause.toMillis() >= 1000) {
                    s.note("(a pause of " + pause.toMillis() + " ms)");
                }
                pause(pause);
            }
            c.send(writes.get(i));
            whole.write(writes.get(i));
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
        if (inPieces) {
            // Pieces can take seconds on a busy machine (each waits until the server has read the one before): the
            // read's patience starts once they are all sent. What a server sends meanwhile waits in the buffers.
            try {
                sent.get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // the read below says what the server did
            }
        }
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
