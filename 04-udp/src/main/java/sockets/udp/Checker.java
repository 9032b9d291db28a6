package sockets.udp;

import java.net.DatagramSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import sockets.cli.AcrossTheLink;
import sockets.cli.Programs;
import sockets.cli.Wire;
import sockets.cli.Wire.Session;
import sockets.cli.Wire.Stage;

/**
 * Checks any UDP request/reply server at HOST:PORT, in any language, over the wire: an answer to
 * each datagram from the address it was sent to; a numbered request ({@code #17 hello}) answered
 * with its number; a repeat answered the same; many clients; and a server that survives an
 * oversized or an empty datagram. Loopback rarely loses a datagram; each wait is still bounded.
 *
 * <pre>04-udp/run Checker 127.0.0.1:5004</pre>
 */
public final class Checker {

    /** How long to wait for an answer; -Dchecker.patience.ms shortens it for servers known never to answer. */
    private static Duration patience() {
        return Duration.ofMillis(Long.getLong("checker.patience.ms", 2000));
    }

    private Checker() {
    }

    /** The stages for any server of the protocol, whose largest datagram the checker does not know. */
    public static List<Stage> stages() {
        return stages(0);
    }

    /**
     * The stages; with {@code limit} above 0 the server's largest datagram is known ({@code --max N}, or the
     * exercise's 8,192), and stage 5 also sends a numbered datagram of exactly that size, which must be
     * answered, and one of a byte more, which must not be.
     */
    public static List<Stage> stages(int limit) {
        return List.of(
                new Stage("a datagram gets an answer, from the address it was sent to",
                        "a UDP server answers with sendto(reply, sender): the client's socket only accepts the server's address",
                        s -> {
                            DatagramSocket socket = s.datagrams(patience());
                            s.sendDatagram(socket, ascii("hello, udp"));
                            byte[] got = s.receiveDatagram(socket);
                            s.expect(got.length > 0, "an answer", "an empty datagram");
                        }),
                new Stage("a numbered request gets an answer with the same number",
                        "the client matches answers to requests by number: without it, a late answer passes for the next one's",
                        s -> {
                            DatagramSocket socket = s.datagrams(patience());
                            long id = 1 + s.random().nextInt(1_000_000);
                            s.sendDatagram(socket, ascii("#" + id + " hello"));
                            String got = text(s.receiveDatagram(socket));
                            s.expect(got.startsWith("#" + id + " "), "an answer that starts with \"#" + id + " \"", "\"" + got + "\"");
                        }),
                new Stage("a duplicate of a numbered request gets its first answer again, also after the next request",
                        "a duplicate (a retransmission, or a late copy that arrives after the next request was sent) must be answered"
                                + " again but not processed again: the id names the request, so a second datagram with that id from the same"
                                + " sender gets the remembered answer, byte for byte, whatever it carries",
                        s -> {
                            DatagramSocket socket = s.datagrams(patience());
                            long id = 1 + s.random().nextInt(1_000_000);
                            long next = id + 1 + s.random().nextInt(1000);
                            byte[] first = exchange(s, socket, ascii("#" + id + " once " + word(s)));
                            byte[] again = exchange(s, socket, ascii("#" + id + " once " + word(s)));
                            s.expect(Arrays.equals(first, again), "the first answer again (the id was seen: not processed twice)",
                                    Wire.hex(first) + " then " + Wire.hex(again));
                            byte[] other = exchange(s, socket, ascii("#" + next + " next " + word(s)));
                            s.expect(text(other).startsWith("#" + next + " "), "an answer starting \"#" + next + " \"", "\"" + text(other) + "\"");
                            byte[] late = exchange(s, socket, ascii("#" + id + " once " + word(s)));
                            s.expect(Arrays.equals(first, late), "the first answer to #" + id + " again (a late duplicate, after #" + next + ")",
                                    Wire.hex(late));
                        }),
                new Stage("five clients with ten numbered requests each get their own answers",
                        "one socket serves every client: each answer goes to its sender, with its number", s -> {
                            List<DatagramSocket> clients = new ArrayList<>();
                            for (int c = 0; c < 5; c++) {
                                clients.add(s.datagrams(patience()));
                            }
                            for (int i = 0; i < 10; i++) {
                                for (int c = 0; c < clients.size(); c++) {
                                    // from #0: an id of 0 is an id too (a test like "if (id)" or "id > 0" forgets it)
                                    String id = "#" + (c * 100 + i) + " ";
                                    s.sendDatagram(clients.get(c), ascii(id + "request"));
                                    String got = text(s.receiveDatagram(clients.get(c)));
                                    s.expect(got.startsWith(id), "client " + (c + 1) + " to get an answer starting \"" + id + "\"", "\"" + got + "\"");
                                }
                            }
                        }),
                new Stage("a numbered datagram of 1,500 bytes is answered whole or dropped, and an oversized one does not stop the server"
                        + (limit > 0 ? "; one of exactly the limit, " + String.format("%,d", limit) + " bytes, is answered, one byte more is not" : ""),
                        "recvfrom cuts a datagram larger than its buffer short (a 1,024-byte buffer is a common choice): report and drop"
                                + " it, never process the piece, and go on"
                                + (limit > 0 ? "; only a buffer one byte larger than the limit tells a datagram of exactly the limit (allowed)"
                                        + " from a longer one cut to fit (not allowed)" : ""),
                        s -> {
                            DatagramSocket socket = s.datagrams(patience());
                            long id = 1 + s.random().nextInt(1_000_000);
                            StringBuilder body = new StringBuilder();
                            while (body.length() < 1_500) {
                                body.append(word(s)).append(' ');
                            }
                            String tail = " end-" + word(s);
                            byte[] medium = ascii("#" + id + " " + body + tail);
                            s.sendDatagram(socket, medium);
                            s.sendDatagram(socket, ascii("#4241 after the 1,500 bytes"));
                            String got = text(s.receiveDatagram(socket));
                            if (got.startsWith("#" + id + " ")) { // answered: whole, if the answer carries the request
                                String start = body.substring(0, 40);
                                s.expect(!got.contains(start) || got.contains(tail),
                                        "an answer to #" + id + " that carries all of its " + medium.length + " bytes, or none of them",
                                        "an answer of " + got.length() + " bytes with the request's start but not its end: the datagram was"
                                                + " processed cut short");
                                got = text(s.receiveDatagram(socket));
                            }
                            s.expect(got.startsWith("#4241 "), "an answer to the request after the 1,500 bytes", "\"" + got + "\"");
                            byte[] big = new byte[60_000];
                            Arrays.fill(big, (byte) 'x');
                            s.sendDatagram(socket, big);
                            byte[] request = ascii("#4242 after the big one");
                            s.sendDatagram(socket, request);
                            got = text(s.receiveDatagram(socket));
                            if (!got.startsWith("#4242 ")) { // the server may answer the big one (it may have a large buffer)
                                got = text(s.receiveDatagram(socket));
                            }
                            s.expect(got.startsWith("#4242 "), "an answer to the small request that followed", "\"" + got + "\"");
                            if (limit > 0) {
                                atTheLimit(s, socket, limit);
                            }
                        }),
                new Stage("an empty datagram or a malformed id does not stop the server",
                        "an empty datagram is a valid datagram (recvfrom returns 0, which for UDP is not end of stream); a datagram"
                                + " that only looks numbered (#abc, #12 with no space, 20 digits, more than a long holds) is a request"
                                + " without an id, or one to drop: never an exception that ends the loop for every client",
                        s -> {
                            DatagramSocket socket = s.datagrams(patience());
                            List<byte[]> strange = List.of(new byte[0], ascii("#abc hello"), ascii("#12"), ascii("#99999999999999999999 x"),
                                    ascii("#"), ascii("# 5 x"), ascii("#-5 x"));
                            for (byte[] d : strange) {
                                s.sendDatagram(socket, d);
                            }
                            s.sendDatagram(socket, ascii("#77 after nothing"));
                            String got = "";
                            try {
                                // each strange datagram may be answered (without an id) or not; the answer to #77 comes after them
                                for (int i = 0; i <= strange.size() && !got.startsWith("#77 "); i++) {
                                    got = text(s.receiveDatagram(socket));
                                }
                            } catch (SocketTimeoutException e) {
                                got = "nothing within " + patience().toMillis() + " ms";
                            }
                            s.expect(got.startsWith("#77 "), "an answer to the request after the empty datagram and the malformed ids"
                                    + " (\"\", \"#abc hello\", \"#12\", \"#99999999999999999999 x\", \"#\", \"# 5 x\", \"#-5 x\")", got);
                        }),
                new Stage(Wire.overANetwork("numbered datagrams of 1,400 to 8,000 bytes, around and above a 1,500-byte MTU",
                                "where the MTU is 65,536 and nothing is fragmented or lost"),
                        "an answer with the start of a request but not its end means the datagram was processed cut short: a datagram"
                                + " larger than the link's MTU (1,472 bytes of payload on a 1,500-byte link) travels in IP fragments and"
                                + " is delivered whole or not at all, so one recvfrom can return far more than one frame; size the buffer"
                                + " for the largest datagram the protocol allows, and report and drop one that does not fit", s -> {
                            DatagramSocket socket = s.datagrams(Duration.ofMillis(Math.min(500, patience().toMillis())));
                            // Just under, at, and just over the largest unfragmented payload; two and up to six fragments.
                            int[] sizes = {1_400, 1_472, 1_473, 2_960, 4_000 + s.random().nextInt(4_000)};
                            for (int size : sizes) {
                                long id = 1 + s.random().nextInt(1_000_000);
                                String tail = " end-" + word(s);
                                StringBuilder request = new StringBuilder("#" + id + " ");
                                while (request.length() < size - tail.length()) {
                                    request.append(request.length() % 9 == 0 ? ' ' : (char) ('a' + s.random().nextInt(26)));
                                }
                                request.append(tail);
                                String got = answered(s, socket, id, ascii(request.toString()));
                                if (got == null) {
                                    continue; // dropped, as a server whose datagrams are smaller may do
                                }
                                String start = request.substring(0, 40);
                                s.expect(!got.contains(start) || got.contains(tail), "an answer to the " + size + "-byte #" + id
                                                + " that carries all of it, or none of it",
                                        "an answer of " + got.length() + " bytes with the request's start but not its end: the datagram was"
                                                + " processed cut short");
                            }
                        }));
    }

    /**
     * Sends {@code request} (numbered {@code id}), then a small numbered request after it, and
     * returns the answer to {@code request}; null if the server dropped it (the small one was
     * answered and this one was not, three times in a row). With no answer at all it sends both
     * again, up to six times: a link loses datagrams (a lost fragment loses the whole datagram).
     * Answers with other numbers (late answers to earlier repeats) are skipped.
     */
    private static String answered(Session s, DatagramSocket socket, long id, byte[] request) throws Exception {
        int droppedInARow = 0;
        for (int attempt = 1; attempt <= 6; attempt++) {
            long after = id + 1_000_000;
            s.sendDatagram(socket, request);
            s.sendDatagram(socket, ascii("#" + after + " after #" + id));
            boolean afterAnswered = false;
            try {
                while (true) {
                    String got = text(s.receiveDatagram(socket));
                    if (got.startsWith("#" + id + " ")) {
                        return got;
                    }
                    if (got.startsWith("#" + after + " ")) {
                        afterAnswered = true;
                        break; // the server answers in order: request's answer, if any, came first
                    }
                }
            } catch (SocketTimeoutException e) {
                // neither answered in time: lost on the way, or a server that never answers
            }
            droppedInARow = afterAnswered ? droppedInARow + 1 : 0;
            if (droppedInARow == 3) {
                s.note("#" + id + " (" + request.length + " bytes) dropped three times while the request after it was answered: taken as dropped");
                return null;
            }
        }
        throw new SocketTimeoutException("no answer to #" + id + " (" + request.length + " bytes) or to the request after it in six tries");
    }

    /**
     * Stage 5 with a known limit: a numbered datagram of exactly {@code limit} bytes must be answered, one of
     * {@code limit + 1} must not (it was either processed cut to a buffer of the limit, or the limit is not kept).
     */
    private static void atTheLimit(Session s, DatagramSocket socket, int limit) throws Exception {
        long atId = 1 + s.random().nextInt(1_000_000);
        String got = answered(s, socket, atId, numbered(s, atId, limit));
        s.expect(got != null, "an answer to #" + atId + ", a datagram of exactly " + String.format("%,d", limit)
                        + " bytes: the limit, allowed",
                "no answer, three times, while the request after it was answered: a datagram of exactly the limit was dropped as"
                        + " oversized (a buffer of exactly the limit comes back full for it too: make the buffer one byte larger and"
                        + " drop only what fills it)");
        long overId = atId + 1 + s.random().nextInt(1000);
        got = answered(s, socket, overId, numbered(s, overId, limit + 1));
        s.expect(got == null, "no answer to #" + overId + ", a datagram of " + String.format("%,d", limit + 1) + " bytes: one byte"
                        + " over the limit, reported and dropped",
                "an answer, \"" + (got == null ? "" : got.substring(0, Math.min(60, got.length()))) + "\": the datagram was processed,"
                        + " cut by the kernel to the size of your buffer without a word (receive into maxDatagram + 1 bytes; a full"
                        + " buffer means too large), or the server's limit is not " + String.format("%,d", limit) + " bytes");
    }

    /** A numbered request of exactly {@code size} bytes: {@code #ID } and letters. */
    private static byte[] numbered(Session s, long id, int size) {
        StringBuilder request = new StringBuilder("#" + id + " ");
        while (request.length() < size) {
            request.append((char) ('a' + s.random().nextInt(26)));
        }
        return ascii(request.toString());
    }

    /** Sends one datagram and returns the server's next answer. */
    private static byte[] exchange(Session s, DatagramSocket socket, byte[] request) throws Exception {
        s.sendDatagram(socket, request);
        return s.receiveDatagram(socket);
    }

    /** A word of 3 to 10 random letters: requests that differ, so answers that depend on them differ too. */
    private static String word(Session s) {
        StringBuilder w = new StringBuilder();
        for (int i = 2 + s.random().nextInt(9); i >= 0; i--) {
            w.append((char) ('a' + s.random().nextInt(26)));
        }
        return w.toString();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    public static void main(String[] args) {
        // --link SPEC --server 'COMMAND': the same stages, with the server across lesson 06's link
        int acrossTheLink = AcrossTheLink.runIfAsked("04-udp/run Checker", args, 5004, System.err);
        if (acrossTheLink >= 0) {
            Programs.exit(acrossTheLink);
            return;
        }
        // --max N: the server's largest datagram, when known; stage 5 then checks exactly N and N + 1 bytes
        List<String> rest = new ArrayList<>(List.of(args));
        int limit = 0;
        int at = rest.indexOf("--max");
        if (at >= 0 && at + 1 < rest.size() && rest.get(at + 1).matches("[0-9]{1,5}") && Integer.parseInt(rest.get(at + 1)) >= 16
                && Integer.parseInt(rest.get(at + 1)) < 65_507) {
            limit = Integer.parseInt(rest.get(at + 1));
            rest.subList(at, at + 2).clear();
        }
        Programs.exit(Wire.main("04-udp/run Checker", "Checks a UDP request/reply server; exit 0 only if every stage passes."
                        + "\n--max N: the server takes datagrams of up to N bytes (16 to 65,506); stage 5 then checks that exactly N is"
                        + " answered and N + 1 is not.",
                rest.toArray(String[]::new), stages(limit), System.out, System.err));
    }
}
