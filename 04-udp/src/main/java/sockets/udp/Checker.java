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

    public static List<Stage> stages() {
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
                new Stage("a numbered datagram of 1,500 bytes is answered whole or dropped, and an oversized one does not stop the server",
                        "recvfrom cuts a datagram larger than its buffer short (a 1,024-byte buffer is a common choice): report and drop"
                                + " it, never process the piece, and go on",
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
                        }),
                new Stage("an empty datagram does not stop the server",
                        "an empty datagram is a valid datagram (recvfrom returns 0, which for UDP is not end of stream)",
                        s -> {
                            DatagramSocket socket = s.datagrams(patience());
                            s.sendDatagram(socket, new byte[0]);
                            s.sendDatagram(socket, ascii("#77 after nothing"));
                            String got;
                            try {
                                got = text(s.receiveDatagram(socket));
                                if (!got.startsWith("#77 ")) {
                                    got = text(s.receiveDatagram(socket));
                                }
                            } catch (SocketTimeoutException e) {
                                got = "nothing within " + patience().toMillis() + " ms";
                            }
                            s.expect(got.startsWith("#77 "), "an answer to the request after the empty datagram", got);
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
        Programs.exit(Wire.main("04-udp/run Checker", "Checks a UDP request/reply server; exit 0 only if every stage passes.",
                args, stages(), System.out, System.err));
    }
}
