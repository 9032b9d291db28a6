package sockets.udp;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import sockets.cli.AcrossTheLink;
import sockets.cli.Programs;
import sockets.cli.ServerProcess;
import sockets.cli.Timeouts;
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
                        "an answer from another address or port is dropped by the client's socket, which only accepts the address it"
                                + " sent to: answer with sendto(reply, sender) on the socket that received the request; a server bound to"
                                + " every address (0.0.0.0) and asked on a second one (127.0.0.2, a host's second interface) answers from"
                                + " the address the routing table picks unless it learns where the request went (IP_PKTINFO) or binds one"
                                + " socket per address",
                        s -> {
                            DatagramSocket socket = s.datagrams(patience());
                            s.sendDatagram(socket, ascii("hello, udp"));
                            byte[] got = s.receiveDatagram(socket);
                            s.expect(got.length > 0, "an answer", "an empty datagram");
                            askedOnAnotherAddress(s);
                        }),
                new Stage("a numbered request gets an answer with the same number",
                        "the client matches answers to requests by number: an answer with another number is never taken, and a late"
                                + " answer passes for the next one's; an id is any number up to 9,223,372,036,854,775,807 (64 bits), so"
                                + " one read into a 32-bit integer, or into a JavaScript Number (a double, exact only up to 2^53), answers"
                                + " with, or is remembered as, another request's number",
                        s -> {
                            DatagramSocket socket = s.datagrams(patience());
                            long id = 1 + s.random().nextInt(1_000_000);
                            sameNumber(s, socket, id, "");
                            // 2^32 + 1 (a 32-bit id keeps 1), 2^53 and 2^53 + 1 (one and the same double), the largest id
                            for (long big : new long[] {4_294_967_297L, 9_007_199_254_740_992L, 9_007_199_254_740_993L, Long.MAX_VALUE}) {
                                sameNumber(s, socket, big, " (ids are numbers up to 9,223,372,036,854,775,807, a 64-bit long)");
                            }
                        }),
                new Stage("a duplicate of a numbered request gets its first answer again, also after the next request",
                        "a second answer to one id that differs from the first means the request was processed twice: a duplicate (a"
                                + " retransmission, a copy the network made, or a late copy that arrives after the next request, or while"
                                + " the first copy is still being processed) must be answered again but not processed again: the id names"
                                + " the request, so a second datagram with that id from the same sender gets the remembered answer, byte"
                                + " for byte, whatever it carries (a server that processes requests on other threads marks an id as"
                                + " taken before it starts the work)",
                        s -> {
                            DatagramSocket socket = s.datagrams(patience());
                            long id = 1 + s.random().nextInt(1_000_000);
                            long next = id + 1 + s.random().nextInt(1000);
                            // four copies back to back, built first and noted after, so nothing on this side comes between the
                            // sends: the later ones arrive while the first may still be in the works
                            List<byte[]> copies = new ArrayList<>();
                            for (int i = 0; i < 4; i++) {
                                copies.add(ascii("#" + id + " once " + word(s)));
                            }
                            for (byte[] copy : copies) {
                                socket.send(new DatagramPacket(copy, copy.length, s.target()));
                            }
                            for (byte[] copy : copies) {
                                s.note("-> " + Wire.hex(copy) + " (the four copies sent back to back)");
                            }
                            byte[] first = s.receiveDatagram(socket);
                            for (int i = 1; i < copies.size(); i++) {
                                byte[] more;
                                try {
                                    more = s.receiveDatagram(socket);
                                } catch (SocketTimeoutException e) {
                                    // a server may drop a copy of a request it is still working on: the client sends again
                                    s.note("no answer to " + (copies.size() - i) + " of the copies within " + patience().toMillis()
                                            + " ms: dropped while the first was in the works (allowed)");
                                    break;
                                }
                                s.expect(Arrays.equals(first, more), "the same answer to all four copies of #" + id + ", sent back to"
                                        + " back (the id was seen: not processed twice)", Wire.hex(first) + " then " + Wire.hex(more) + ": "
                                        + Wire.difference(first, more));
                            }
                            byte[] again = exchange(s, socket, ascii("#" + id + " once " + word(s)));
                            s.expect(Arrays.equals(first, again), "the first answer again (the id was seen: not processed twice)",
                                    Wire.hex(first) + " then " + Wire.hex(again));
                            s.sendDatagram(socket, ascii("#" + next + " next " + word(s)));
                            byte[] other = s.receiveDatagram(socket);
                            for (int i = 0; i < 3 && Arrays.equals(other, first); i++) {
                                other = s.receiveDatagram(socket); // a copy of the first answer that came late: not this one's
                            }
                            s.expect(text(other).startsWith("#" + next + " "), "an answer starting \"#" + next + " \"", "\"" + text(other) + "\"");
                            byte[] late = exchange(s, socket, ascii("#" + id + " once " + word(s)));
                            s.expect(Arrays.equals(first, late), "the first answer to #" + id + " again (a late duplicate, after #" + next + ")",
                                    Wire.hex(late));
                        }),
                new Stage("five clients with ten numbered requests each get their own answers",
                        "an answer that carries another client's request went to the wrong client: one socket serves every client,"
                                + " each answer goes to its sender with its number, and since each client numbers its own requests, two"
                                + " clients send the same ids: remember answers by sender and id, never by id alone", s -> {
                            List<DatagramSocket> clients = new ArrayList<>();
                            for (int c = 0; c < 5; c++) {
                                clients.add(s.datagrams(patience()));
                            }
                            long base = 1 + s.random().nextInt(1_000_000);
                            for (int i = 0; i < 10; i++) {
                                for (int c = 0; c < clients.size(); c++) {
                                    // every client the same ids, from #0: an id of 0 is an id too (a test like "if (id)" or "id > 0" forgets it)
                                    String id = "#" + (i == 0 ? 0 : base + i) + " ";
                                    s.sendDatagram(clients.get(c), ascii(id + "request of " + mark(clients.get(c))));
                                    String got = text(s.receiveDatagram(clients.get(c)));
                                    s.expect(got.startsWith(id), "client " + (c + 1) + " to get an answer starting \"" + id + "\"", "\"" + got + "\"");
                                    for (int k = 0; k < clients.size(); k++) {
                                        s.expect(k == c || !got.contains(mark(clients.get(k))), "client " + (c + 1) + " to get its own answer"
                                                        + " to \"" + id.strip() + "\", which client " + (k + 1) + " sent too",
                                                "\"" + got + "\": an answer that carries client " + (k + 1) + "'s request: the server took client "
                                                        + (c + 1) + "'s " + id.strip() + " for a duplicate of client " + (k + 1)
                                                        + "'s (answers remembered by id alone, not by sender and id)");
                                    }
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
                new Stage("an empty datagram, a malformed id or bytes that are not UTF-8 do not stop the server",
                        "a server that stops answering after a strange datagram has let one client's datagram end the loop for every"
                                + " client: an empty datagram is a valid datagram (recvfrom returns 0, which for UDP is not end of"
                                + " stream); a datagram that only looks numbered (#abc, #12 with no space, 20 digits, more than a long"
                                + " holds) is a request without an id, or one to drop; a datagram that is not UTF-8 (a strict decode"
                                + " raises) is answered or dropped, never an exception that escapes the loop",
                        s -> {
                            DatagramSocket socket = s.datagrams(patience());
                            // the last two are not UTF-8: a Latin-1 "café", and a numbered request with 0xff 0xfe in its body
                            List<byte[]> strange = List.of(new byte[0], ascii("#abc hello"), ascii("#12"), ascii("#99999999999999999999 x"),
                                    ascii("#"), ascii("# 5 x"), ascii("#-5 x"), new byte[] {'c', 'a', 'f', (byte) 0xe9},
                                    new byte[] {'#', '7', '6', ' ', (byte) 0xff, (byte) 0xfe});
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
                                    + " (\"\", \"#abc hello\", \"#12\", \"#99999999999999999999 x\", \"#\", \"# 5 x\", \"#-5 x\") and the datagrams that"
                                    + " are not UTF-8 (63 61 66 e9, a Latin-1 \"café\"; 23 37 36 20 ff fe, \"#76 \" and two bytes no UTF-8"
                                    + " text has)", got);
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
                        }),
                new Stage("a server with no datagram to answer uses no CPU: no busy loop",
                        "a server that keeps a processor busy while no datagram comes is woken for nothing, over and over (a"
                                + " non-blocking socket polled in a loop that treats \"nothing yet\" as \"try again now\", or a"
                                + " select() with a timeout of 0): block in recvfrom, or in select() without a timeout",
                        s -> {
                            ServerProcess.Found found = ServerProcess.findUdp(s.target().getPort());
                            if (found.whyNot() != null) {
                                s.note("CPU not measured: " + found.whyNot());
                                return;
                            }
                            DatagramSocket socket = s.datagrams(patience());
                            long id = 1 + s.random().nextInt(1_000_000);
                            sameNumber(s, socket, id, "");
                            idle(s, found.process());
                        }));
    }

    /**
     * Measures the server's CPU up to three times while no datagram comes; one measurement below a
     * quarter of the spinning thread's CPU passes. A spinning server measures about 1 every time,
     * an idle one about 0 (a clock tick or two).
     */
    private static void idle(Session s, ServerProcess server) throws Exception {
        for (int round = 1; round <= 3; round++) {
            ServerProcess.Cpu r = server.measureCpu(Duration.ofMillis(400), Duration.ofSeconds(4));
            if (r == null) {
                s.note("no datagram coming: the server's CPU can no longer be read (" + server.what() + " gone)");
                return;
            }
            s.note("no datagram coming: " + r.describe() + " (" + server.what() + ")");
            if (r.ratio() < 0.25) {
                return;
            }
        }
        s.expect(false, "a server that sleeps while no datagram comes: under a quarter of the CPU a spinning thread gets",
                "busy: three measurements running, with no datagram sent to it, it used about as much CPU as a thread that never sleeps"
                        + " (the transcript has the figures): something in its loop returns at once, again and again");
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

    /** Stage 2: sends {@code #id WORD} and expects an answer that starts with {@code #id }, the same digits. */
    private static void sameNumber(Session s, DatagramSocket socket, long id, String note) throws Exception {
        s.sendDatagram(socket, ascii("#" + id + " " + word(s)));
        String got = text(s.receiveDatagram(socket));
        s.expect(got.startsWith("#" + id + " "), "an answer that starts with \"#" + id + " \"" + note, "\"" + got + "\"");
    }

    /** What a stage-4 client writes in its requests: its own port, bracketed, so no mark is part of another. */
    private static String mark(DatagramSocket client) {
        return "[port " + client.getLocalPort() + "]";
    }

    /**
     * Stage 1 on a second loopback address: a numbered request sent to 127.0.0.2 (or, for a target elsewhere in
     * 127.0.0.0/8, to 127.0.0.1) at the server's port. A server bound to its one address does not listen there: a
     * connected socket hears "port unreachable" at once, and that is all. A server bound to every address must
     * answer from the address the request was sent to; its answer from another one is found with an unconnected
     * socket, which accepts it from anywhere. Not on IPv4 loopback (across a link), there is no second address to try.
     */
    private static void askedOnAnotherAddress(Session s) throws Exception {
        InetAddress target = s.target().getAddress();
        if (!(target instanceof Inet4Address) || !target.isLoopbackAddress()) {
            s.note("not on IPv4 loopback: the answer's address is checked for " + target.getHostAddress() + " alone");
            return;
        }
        InetAddress other = InetAddress.getByName(target.getHostAddress().equals("127.0.0.1") ? "127.0.0.2" : "127.0.0.1");
        InetSocketAddress there = new InetSocketAddress(other, s.target().getPort());
        long id = 1 + s.random().nextInt(1_000_000);
        byte[] request = ascii("#" + id + " asked on " + other.getHostAddress());
        byte[] buffer = new byte[65_536];
        try (DatagramSocket connected = new DatagramSocket(new InetSocketAddress(target, 0))) {
            connected.setSoTimeout(Timeouts.millis(patience()));
            connected.connect(there);
            s.note("-> " + Programs.hostPort(there) + " (this host's other loopback address; a connected socket): " + Wire.hex(request));
            connected.send(new DatagramPacket(request, request.length));
            DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
            try {
                connected.receive(answer);
                s.note("<- from " + Programs.hostPort(there) + ": " + Wire.hex(Arrays.copyOf(buffer, answer.getLength())));
                return;
            } catch (PortUnreachableException e) {
                s.note("<- port unreachable: nothing listens on " + Programs.hostPort(there) + " (the server is bound to "
                        + target.getHostAddress() + " alone)");
                return;
            } catch (SocketTimeoutException e) {
                s.note("no answer from " + Programs.hostPort(there) + " within " + patience().toMillis() + " ms: from anywhere else?");
            }
        }
        try (DatagramSocket open = new DatagramSocket(new InetSocketAddress(target, 0))) {
            open.setSoTimeout(Timeouts.millis(patience()));
            s.note("-> " + Programs.hostPort(there) + " (an unconnected socket, which accepts an answer from anywhere): " + Wire.hex(request));
            open.send(new DatagramPacket(request, request.length, there));
            DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
            try {
                open.receive(answer);
            } catch (SocketTimeoutException e) {
                s.note("no answer from anywhere: the server does not listen on " + Programs.hostPort(there));
                return;
            }
            s.note("<- from " + Programs.hostPort(answer.getSocketAddress()) + ": " + Wire.hex(Arrays.copyOf(buffer, answer.getLength())));
            s.expect(answer.getSocketAddress().equals(there), "the answer to a request sent to " + Programs.hostPort(there)
                            + " to come from " + Programs.hostPort(there),
                    "an answer from " + Programs.hostPort(answer.getSocketAddress()) + ", not " + Programs.hostPort(there) + ": a client"
                            + " socket connected to " + Programs.hostPort(there) + " drops it, and waits for ever (a socket bound to"
                            + " every address answers from the address the routing table picks)");
        }
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
