package sockets.threaded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import sockets.cli.AcrossTheLink;
import sockets.cli.Programs;
import sockets.cli.Timeouts;
import sockets.cli.Wire;
import sockets.cli.Wire.Peer;
import sockets.cli.Wire.Queues;
import sockets.cli.Wire.Session;
import sockets.cli.Wire.Stage;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks any client-list server at HOST:PORT (the seed's {@code client_list.py} protocol), in any
 * language, over the wire: a client sends its name, the server answers with every client as one
 * JSON object keyed by name ({@code {"alice": {"name": ..., "address": ..., "port": ...}}}) and
 * closes. Names carry a seeded suffix, so the stages do not see each other's clients.
 *
 * <pre>05-threaded-server/run Checker 127.0.0.1:5005</pre>
 */
public final class Checker {

    private static final Duration PATIENCE = Duration.ofSeconds(5);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Checker() {
    }

    public static List<Stage> stages() {
        return List.of(
                new Stage("a name ended by a newline, or by CR LF, gets the list, with that name in it",
                        "the answer is the whole list as JSON, then the server closes: that close is the answer's end; a CR right before"
                                + " the newline is not part of the name (telnet, nc -C and Windows clients end their lines with CR LF)", s -> {
                            registered(s, name(s, "alice"), "\n", false);
                            String name = name(s, "alice");
                            Peer c = s.connect(PATIENCE);
                            c.send((name + "\r\n").getBytes(StandardCharsets.UTF_8));
                            byte[] answer = c.readToEnd(16 << 20);
                            JsonNode list = parse(s, answer);
                            s.expect(list.isObject() && list.has(name), "a JSON object with the key \"" + name + "\" (sent as \"" + name
                                    + "\\r\\n\": the CR before the newline is not part of the name)", list.has(name + "\r")
                                            ? "the key \"" + name + "\\r\": the CR was kept as the name's last character" : Wire.hex(answer));
                        }),
                new Stage("a name ended by shutting down the sending side gets the list too",
                        "a client that half-closes has said all it will say: the name is complete (E-14)",
                        s -> registered(s, name(s, "bob"), "", false)),
                new Stage("a name sent in single-byte pieces, with spaces at both ends, quotes, a backslash, U+FFFD and 2- to 4-byte"
                        + " characters, comes back exactly",
                        "one recv is not one message (T-06): read the name up to its newline, then decode its bytes as UTF-8 once (a"
                                + " character split between two reads is garbled if each read is decoded alone); write the list with a JSON"
                                + " library or escape \" and \\ yourself; only a CR right before the newline is dropped, not the spaces"
                                + " around the name (no strip()); U+FFFD (EF BF BD) is a valid character: tell bytes that are not UTF-8 with a"
                                + " strict decoder, not by looking for U+FFFD in a lenient decoder's result", s -> {
                            String ascii = name(s, "carol");
                            String name = " " + ascii + " \"Q\" \\ \u00dcn\u00efc\u00f8d\u00e9 \ufffd \u65e5\u672c \ud83c\udf89 ";
                            Peer c = s.connect(PATIENCE);
                            c.sendInPieces((name + "\n").getBytes(StandardCharsets.UTF_8));
                            byte[] answer = c.readToEnd(16 << 20);
                            JsonNode list = parse(s, answer);
                            s.expect(list.isObject(), "a JSON object", Wire.hex(answer));
                            if (list.size() == 1 && list.has("error") && !list.has(name)) {
                                s.expect(false, "the key \"" + name + "\" (a valid name: U+FFFD, bytes EF BF BD, is a character like any other)",
                                        "a refusal: " + list + (list.path("error").asString("").contains("UTF") ? " (U+FFFD taken for bytes that"
                                                + " are not UTF-8)" : ""));
                            }
                            if (!list.has(name)) {
                                String near = list.propertyNames().stream().filter(k -> k.contains(ascii)).findFirst().orElse(null);
                                int at = near == null ? -1 : Math.max(0, java.util.Arrays.mismatch(near.toCharArray(), name.toCharArray()));
                                s.expect(false, "the key \"" + name + "\" (" + name.getBytes(StandardCharsets.UTF_8).length + " bytes of UTF-8)",
                                        near == null ? "no key with \"" + ascii + "\" in it: " + Wire.hex(answer)
                                                : near.equals(name.strip()) ? "the key \"" + near + "\": the spaces at either end were stripped"
                                                        + " (only a CR before the newline is not part of the name)"
                                                : "the key \"" + near + "\", different from character " + at + " on (\""
                                                        + name.substring(Math.min(at, name.length())) + "\" sent)");
                            }
                            s.expect(!list.has(name.substring(0, 2)) && !list.has(ascii.substring(0, 1)), "no entry for a piece of the name",
                                    "an entry for a piece of it");
                        }),
                new Stage("each entry has the client's name, and the address and port it connected from"
                        + (OTHER_LOOPBACK == null ? " (127.0.0.2 cannot be bound here: every client connects from 127.0.0.1)" : ""),
                        "the entry is {name, address, port} of the client's end of the connection (the peer's address, getpeername),"
                                + " not the server's own (getsockname) or the listening port; a name sent again replaces its entry with"
                                + " the new connection's", s -> {
                            String name = name(s, "dave");
                            Peer c = s.connect(PATIENCE);
                            c.send((name + "\n").getBytes(StandardCharsets.UTF_8));
                            byte[] answer = c.readToEnd(16 << 20);
                            JsonNode list = parse(s, answer);
                            s.expect(list.isObject() && list.has(name), "a JSON object with the key \"" + name + "\"", Wire.hex(answer));
                            JsonNode entry = list.get(name);
                            s.expect(entry.isObject() && entry.path("name").asString("").equals(name)
                                            && entry.path("address").isString() && entry.path("port").isNumber(),
                                    "{\"name\": \"" + name + "\", \"address\": \"...\", \"port\": N}", entry.toString());
                            String address = c.socket().getLocalAddress().getHostAddress();
                            int port = c.socket().getLocalPort();
                            String reported = entry.path("address").asString("").replaceFirst("^::ffff:", "");
                            s.expect(reported.equals(address) && entry.path("port").asInt() == port,
                                    "the client's own address and port: \"address\": \"" + address + "\", \"port\": " + port,
                                    "\"address\": \"" + entry.path("address").asString("") + "\", \"port\": " + entry.path("port")
                                            + (entry.path("port").asInt() == s.target().getPort() ? " (the server's own port)" : ""));
                            c.socket().close(); // a server that waits for the client's close before the next goes on
                            // The same name again, from a second connection and (on loopback) from another address: the
                            // entry is the newest connection's. On 127.0.0.1 the server's own address is right by luck.
                            InetAddress from = OTHER_LOOPBACK != null && s.target().getAddress() instanceof java.net.Inet4Address
                                    && s.target().getAddress().isLoopbackAddress() && !s.target().getAddress().equals(OTHER_LOOPBACK)
                                    ? OTHER_LOOPBACK : null;
                            if (from == null) {
                                s.note("the second connection comes from " + address + ": " + (OTHER_LOOPBACK == null
                                        ? "127.0.0.2 cannot be bound on this machine" : "the server is not on 127.0.0.1"));
                            }
                            try (Socket again = new Socket()) {
                                again.setSoTimeout(Timeouts.millis(PATIENCE));
                                if (from != null) {
                                    again.bind(new InetSocketAddress(from, 0));
                                }
                                again.connect(s.target(), Timeouts.millis(PATIENCE));
                                String from2 = again.getLocalAddress().getHostAddress();
                                int port2 = again.getLocalPort();
                                s.note("c-again connected from " + from2 + " port " + port2 + ", with the same name");
                                byte[] second = exchange(s, again, "c-again", (name + "\n").getBytes(StandardCharsets.UTF_8));
                                JsonNode list2 = parse(s, second);
                                s.expect(list2.isObject() && list2.path(name).isObject(), "a JSON object with the key \"" + name + "\"", Wire.hex(second));
                                JsonNode e2 = list2.get(name);
                                String address2 = e2.path("address").asString("").replaceFirst("^::ffff:", "");
                                int p2 = e2.path("port").asInt();
                                s.expect(address2.equals(from2) && p2 == port2,
                                        "the newest registration's entry: \"address\": \"" + from2 + "\", \"port\": " + port2
                                                + " (the same name sent again, from another connection" + (from == null ? "" : " and address")
                                                + ", replaces its entry)",
                                        "\"address\": \"" + e2.path("address").asString("") + "\", \"port\": " + e2.path("port")
                                                + (p2 == port && address2.equals(address) ? " (the first registration's entry, kept)"
                                                        : p2 == port2 && address2.equals(s.target().getAddress().getHostAddress())
                                                                ? " (the server's own address: right on 127.0.0.1 by luck, wrong for a client that"
                                                                        + " connects from any other)" : ""));
                            }
                        }),
                new Stage("50 clients at once each get a list with their own name; a list has every client registered before its name ended",
                        "a client that waits, or misses a client that registered while it was still sending its name: a thread per client"
                                + " (or a pool, or async), so no client waits for another's answer; the list is the one at the moment the"
                                + " name is complete, not a copy taken when the client connected", s -> {
                            List<CompletableFuture<String>> answers = new ArrayList<>();
                            for (int i = 0; i < 50; i++) {
                                String name = name(s, "crowd" + i);
                                answers.add(CompletableFuture.supplyAsync(() -> {
                                    try {
                                        return registered(s, name, "\n", false).has(name) ? null : name + " missing";
                                    } catch (Exception e) {
                                        return name + ": " + e.getMessage();
                                    }
                                }, Thread::startVirtualThread));
                            }
                            for (CompletableFuture<String> a : answers) {
                                String problem = a.get(20, TimeUnit.SECONDS);
                                s.expect(problem == null, "every client's own name in its answer", problem);
                            }
                            // In this order, each step seen done before the next: the early client connects and the server
                            // reads the first part of its name; the late client registers; the early one ends its name.
                            String early = name(s, "early");
                            String late = name(s, "late");
                            Peer first = s.connect(PATIENCE);
                            int half = early.length() / 2;
                            first.send(early.substring(0, half).getBytes(StandardCharsets.UTF_8));
                            awaitRead(s, first);
                            registered(s, late, "\n", false);
                            first.send((early.substring(half) + "\n").getBytes(StandardCharsets.UTF_8));
                            byte[] answer = first.readToEnd(16 << 20);
                            JsonNode list = parse(s, answer);
                            s.expect(list.isObject() && list.has(early), "a JSON object with the key \"" + early + "\"", Wire.hex(answer));
                            s.expect(list.has(late), "\"" + early + "\"'s list with \"" + late + "\", which registered while \"" + early
                                    + "\" was still sending its name", "a list of " + list.size() + " names without it");
                        }),
                new Stage("an answer longer than 1024 bytes arrives whole",
                        "the seed's client reads 1024 bytes (BUG-40); the server must send all of it, whatever its size", s -> {
                            String last = null;
                            for (int i = 0; i < 12; i++) {
                                last = name(s, "long".repeat(40) + i);
                                registered(s, last, "\n", false);
                            }
                            Peer c = s.connect(PATIENCE);
                            c.send((name(s, "reader") + "\n").getBytes(StandardCharsets.UTF_8));
                            c.shutdownOutput();
                            byte[] answer = c.readToEnd(16 << 20);
                            JsonNode list = parse(s, answer);
                            s.expect(answer.length > 1024 && list.has(last), "a list of more than 1024 bytes with all 12 long names",
                                    answer.length + " bytes");
                        }),
                new Stage("a client that sends nothing, or reads nothing, does not hold up the others; a name that is empty, not UTF-8,"
                        + " or over 256 bytes is refused, not listed",
                        "one silent client, or one that does not read its answer, must cost one thread (or one registration), never"
                                + " everyone's answers: send the answer after letting go of the list's lock, from a copy; a name is 1 to 256"
                                + " bytes of UTF-8: a server that keeps any length lets one client fill its memory, and one that lists what it"
                                + " should refuse shows every client a name nobody sent", s -> {
                            Peer silent = s.connect(PATIENCE);
                            registered(s, name(s, "patient"), "\n", false);
                            silent.socket().close();
                            // At the limit and one byte over it, in bytes: 256 is a name, 257 is not, even when
                            // (as here) it is far under 256 characters.
                            String y = name(s, "y");
                            String atLimit = y + "y".repeat(256 - y.length());
                            registered(s, atLimit, "\n", false); // fails the stage unless the answer lists it
                            String stem = name(s, "x".repeat(40)) + "\u65e5".repeat(60); // 60 characters of 3 bytes
                            String tooLong = stem + "x".repeat(257 - stem.getBytes(StandardCharsets.UTF_8).length); // 257 bytes
                            Peer c = s.connect(PATIENCE);
                            c.send((tooLong + "\n").getBytes(StandardCharsets.UTF_8));
                            c.shutdownOutput();
                            byte[] answer;
                            try {
                                answer = c.readToEnd(16 << 20);
                            } catch (Wire.Failed e) {
                                if (!e.getMessage().startsWith("lost:")) {
                                    throw e; // stalled: neither a refusal nor a close
                                }
                                answer = new byte[0]; // closed with a reset: refused without a word, which is allowed
                            }
                            String run = "x".repeat(40);
                            s.expect(!new String(answer, StandardCharsets.UTF_8).contains(run),
                                    "a refusal (a JSON error, or a close) for a name of 257 bytes (" + tooLong.length() + " characters)",
                                    "an answer with the name in it: " + Wire.hex(answer));
                            String afterName = name(s, "after");
                            // An empty name, and one that is not UTF-8 (a byte that never occurs in it, and a lead byte
                            // without its continuation): each answered with {"error": ...}.
                            refused(s, new byte[] {'\n'}, "an empty name (a bare newline)");
                            String bad = name(s, "bad");
                            java.io.ByteArrayOutputStream invalid = new java.io.ByteArrayOutputStream();
                            invalid.writeBytes((bad + " ").getBytes(StandardCharsets.UTF_8));
                            invalid.writeBytes(new byte[] {(byte) 0xFF, 'x', (byte) 0xC3, 'y', '\n'});
                            refused(s, invalid.toByteArray(), "a name that is not UTF-8 (bytes 0xff, and 0xc3 without its second byte)");
                            JsonNode after = registered(s, afterName, "\n", false);
                            String kept = after.propertyNames().stream().filter(k -> k.contains(run)).findFirst().orElse(null);
                            s.expect(kept == null, "the next client's list without the refused name",
                                    "an entry of " + (kept == null ? 0 : kept.getBytes(StandardCharsets.UTF_8).length) + " bytes for it");
                            String listedBad = after.propertyNames().stream().filter(k -> k.isEmpty() || k.startsWith(bad)).findFirst().orElse(null);
                            s.expect(listedBad == null, "the next client's list without the refused empty and not-UTF-8 names",
                                    "an entry \"" + listedBad + "\"");
                            notReadingHoldsUpNobody(s);
                        }),
                new Stage(Wire.overANetwork("30 clients at once with 250-byte names in two writes, then a list of over 15 KB"),
                        "a missing name means the server took one read for the whole name: a client that writes its name in two parts"
                                + " (given name, then family name and newline) has them arrive a round trip apart on a network, where TCP"
                                + " holds the small second write until the first is acknowledged; read up to the newline (T-06)", s -> {
                            List<String> names = new ArrayList<>();
                            for (int i = 0; i < 30; i++) {
                                names.add(letters(s, 110 + s.random().nextInt(10)) + " " + name(s, letters(s, 110 + s.random().nextInt(10))));
                            }
                            List<CompletableFuture<String>> answers = new ArrayList<>();
                            for (String name : names) {
                                answers.add(CompletableFuture.supplyAsync(() -> {
                                    try {
                                        Peer c = s.connect(PATIENCE);
                                        int space = name.indexOf(' ');
                                        c.sendOverANetwork(name.substring(0, space).getBytes(StandardCharsets.UTF_8),
                                                (name.substring(space) + "\n").getBytes(StandardCharsets.UTF_8));
                                        byte[] answer = c.readToEnd(16 << 20);
                                        JsonNode list = parse(s, answer);
                                        return list.has(name) ? null : "a list without \"" + name + "\" (" + answer.length + " bytes, keys "
                                                + list.propertyNames().stream().map(k -> k.length() > 24 ? k.substring(0, 24) + "..." : k).toList() + ")";
                                    } catch (Exception e) {
                                        return name + ": " + e.getMessage();
                                    }
                                }, Thread::startVirtualThread));
                            }
                            for (CompletableFuture<String> a : answers) {
                                String problem = a.get(30, TimeUnit.SECONDS);
                                s.expect(problem == null, "a JSON object with the key of each client's whole name", problem);
                            }
                            // The list now holds 30 entries of about 500 bytes: more than TCP's first flight (14,480 bytes).
                            Peer reader = s.connect(PATIENCE);
                            reader.sendOverANetwork((name(s, "reader") + "\n").getBytes(StandardCharsets.UTF_8));
                            byte[] answer = reader.readToEnd(16 << 20);
                            JsonNode list = parse(s, answer);
                            List<String> missing = names.stream().filter(n -> !list.has(n)).toList();
                            s.expect(answer.length > 15_000 && missing.isEmpty(), "a list of more than 15,000 bytes with all 30 names",
                                    answer.length + " bytes, " + missing.size() + " of the 30 names missing");
                        }));
    }

    /**
     * A loopback address other than 127.0.0.1 that a client can bind here (Linux routes all of
     * 127.0.0.0/8 to lo), or null: a client from it shows whether a server reports the client's
     * address or its own, which are equal for a client on 127.0.0.1.
     */
    private static final InetAddress OTHER_LOOPBACK = otherLoopback();

    private static InetAddress otherLoopback() {
        try (Socket probe = new Socket()) {
            InetAddress other = InetAddress.getByAddress(new byte[] {127, 0, 0, 2});
            probe.bind(new InetSocketAddress(other, 0));
            return other;
        } catch (IOException e) {
            return null;
        }
    }

    /** Sends {@code request} on a socket of the stage's own making and reads to end of stream, as {@link Peer} does. */
    private static byte[] exchange(Session s, Socket socket, String who, byte[] request) throws IOException, Wire.Failed {
        s.note(who + " -> " + Wire.hex(request));
        socket.getOutputStream().write(request);
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        try {
            for (int r; got.size() <= 16 << 20 && (r = socket.getInputStream().read(buffer)) >= 0; ) {
                got.write(buffer, 0, r);
            }
        } catch (java.net.SocketTimeoutException e) {
            s.note(who + " <- " + Wire.hex(got.toByteArray()) + ", then nothing");
            throw new Wire.Failed("stalled: " + who + " got " + got.size() + " bytes, then nothing for " + socket.getSoTimeout()
                    + " ms: neither more bytes nor end of stream while the connection stayed open");
        } catch (java.net.SocketException e) {
            s.note(who + " <- " + Wire.hex(got.toByteArray()) + ", then " + e.getMessage());
            throw new Wire.Failed("lost: " + who + " got " + got.size() + " bytes, then the connection was reset (" + e.getMessage() + ")");
        }
        s.note(who + " <- " + Wire.hex(got.toByteArray()) + ", then end of stream");
        return got.toByteArray();
    }

    /**
     * Waits until the server has read everything {@code c} sent: its socket's receive queue and
     * the client's send queue in {@code /proc/net/tcp} are empty (at most {@link #PATIENCE}).
     * Where the server's socket is not visible there (another host or network namespace), a
     * pause of 200 ms instead, noted in the transcript.
     */
    private static void awaitRead(Session s, Peer c) throws Wire.Failed {
        int server = s.target().getPort();
        int client = c.socket().getLocalPort();
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            Queues.Pair q = Queues.read(server, client);
            if (q == null || q.server() == null) {
                s.note("the server's socket is not in /proc/net/tcp here: 200 ms for it to read, instead of seeing it read");
                java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
                return;
            }
            // A client end not seen (gone) has nothing left to send.
            long unread = q.server().rx();
            if (unread == 0 && (q.client() == null || q.client().tx() == 0)) {
                s.note("the server has read it (its receive queue is empty)");
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new Wire.Failed("stalled: the server did not read the first " + unread + " bytes of a name within " + PATIENCE.toMillis()
                        + " ms (they stayed in its receive queue): no thread is reading this connection");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(500_000);
        }
    }

    /** Sends {@code request} and a FIN, and expects a refusal: a JSON object with one key, "error". */
    private static void refused(Session s, byte[] request, String what) throws Exception {
        Peer c = s.connect(PATIENCE);
        c.send(request);
        c.shutdownOutput();
        byte[] answer = c.readToEnd(16 << 20);
        String expected = "a refusal for " + what + ": a JSON object with one key, \"error\"";
        JsonNode refusal;
        try {
            refusal = JSON.readTree(answer);
        } catch (JacksonException e) {
            refusal = null;
        }
        s.expect(refusal != null && refusal.isObject() && refusal.size() == 1 && refusal.has("error"), expected,
                answer.length == 0 ? "0 bytes, then end of stream (a close without a word: no client can tell that from a crash)"
                        : refusal == null || !refusal.isObject() || refusal.has("error") ? Wire.hex(answer)
                                : "a list of " + refusal.size() + " names: the name was accepted" + refusal.propertyNames().stream()
                                        .filter(k -> k.isEmpty() || k.indexOf('\uFFFD') >= 0).findFirst()
                                        .map(k -> ", listed as \"" + k + "\"" + (k.isEmpty() ? "" : " (U+FFFD for each byte that is not UTF-8)"))
                                        .orElse(" (" + Wire.hex(answer) + ")"));
    }

    /** Bytes of UTF-8 in a fill name: the most a name may have, each a control character that JSON writes in 6 bytes ({@code \u0001}). */
    private static final int FILL = 256;

    /**
     * A client that does not read its answer holds up nobody: with a list larger than what the
     * kernel holds for one connection (its send buffer and the client's receive buffer, measured
     * here on a connection of the checker's own), a server that writes the answer while holding
     * the list's lock blocks in that write, and every other registration waits for the lock.
     */
    private static void notReadingHoldsUpNobody(Session s) throws Exception {
        if (!s.target().getAddress().isLoopbackAddress()) {
            // Over a network the kernels and the link hold more, and filling the list moves about a gigabyte.
            s.note("a server not on loopback: the client that does not read is not tried (the list would have to outgrow the"
                    + " buffers of two kernels and a link)");
            return;
        }
        long held = kernelHolds();
        // Names until the list has more than that: each entry at least its name twice (key and value), each control
        // character written in 6 bytes, and 48 more (quotes, "address", "port"). No more than needed: the registrations
        // cost the server time as the square of the list's size (each answer is the whole list).
        List<byte[]> fill = new ArrayList<>();
        for (long size = 0; size <= held && fill.size() < 900; ) {
            byte[] stem = name(s, "fill" + fill.size() + "-").getBytes(StandardCharsets.UTF_8);
            byte[] name = java.util.Arrays.copyOf(stem, FILL + 1);
            java.util.Arrays.fill(name, stem.length, FILL, (byte) 0x01);
            name[FILL] = '\n';
            fill.add(name);
            size += 2 * (2 + stem.length + 6L * (FILL - stem.length)) + 48;
        }
        int count = fill.size();
        long start = System.nanoTime();
        // 4 at a time: each registers and reads its answer to the end. Preparation, not the verdict: each may wait
        // four times the stage's patience for its answer (a loaded machine, a server that builds each answer whole).
        java.util.concurrent.Semaphore at = new java.util.concurrent.Semaphore(4);
        List<CompletableFuture<String>> done = new ArrayList<>();
        for (byte[] name : fill) {
            at.acquire();
            done.add(CompletableFuture.supplyAsync(() -> {
                try (Socket c = new Socket()) {
                    c.setSoTimeout(4 * Timeouts.millis(PATIENCE));
                    c.connect(s.target(), Timeouts.millis(PATIENCE));
                    c.getOutputStream().write(name);
                    c.shutdownOutput();
                    // The whole answer, to its end: a reset would fill the server's log with failed writes.
                    long got = c.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                    return got == 0 ? "no answer" : null;
                } catch (java.net.SocketTimeoutException e) {
                    return "stalled: no answer, or no end of it, for " + 4 * PATIENCE.toMillis() + " ms";
                } catch (IOException e) {
                    return e.getMessage();
                } finally {
                    at.release();
                }
            }, Thread::startVirtualThread));
        }
        for (CompletableFuture<String> d : done) {
            String problem = d.get(60, TimeUnit.SECONDS);
            s.expect(problem == null, "an answer to each of " + count + " names of 256 bytes (control characters)", problem);
        }
        s.note(count + " names of 256 bytes registered in " + (System.nanoTime() - start) / 1_000_000 + " ms (each read its answer"
                + " to the end): a list of over " + held + " bytes, more than the kernel holds for a client that does not read");
        // The client that does not read: the smallest receive buffer, and it reads nothing until the end.
        String stuck = name(s, "stuck");
        Peer still = s.connect(PATIENCE, 1);
        still.send((stuck + "\n").getBytes(StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (still.socket().getInputStream().available() == 0) {
            s.expect(System.nanoTime() < deadline, "the start of the answer to \"" + stuck + "\" within " + PATIENCE.toMillis() + " ms",
                    "nothing (not read by its client yet)");
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        s.note("the answer to " + stuck + " has started; its client reads nothing");
        String next = name(s, "next");
        try {
            registered(s, next, "\n", false);
        } catch (Wire.Failed e) {
            String m = e.getMessage();
            throw new Wire.Failed(m.startsWith("stalled:") ? "stalled: a client got no answer while another client was not reading its"
                    + " answer (a list of over " + held / 1000 + " KB, more than the kernel holds for it):"
                    + " the server waits in that write with the list locked\n" + m : m);
        }
        still.socket().setReceiveBufferSize(1 << 20); // now it reads: a larger window, so that the rest comes faster
        byte[] answer = still.readToEnd(16 << 20);
        JsonNode list = parse(s, answer);
        s.expect(list.isObject() && list.has(stuck), "a JSON object with the key \"" + stuck + "\", read after the others' answers",
                Wire.hex(answer));
        s.note("the client that did not read got all " + answer.length + " bytes of its answer at the end");
    }

    /**
     * A size of answer that the kernel cannot hold for a client that does not read, with the
     * smallest receive buffer: measured on a loopback connection of the checker's own (the
     * server end's send buffer grows as the kernel sees fit, as a server's does), with a margin.
     */
    private static long kernelHolds() throws IOException {
        try (java.nio.channels.ServerSocketChannel listener = java.nio.channels.ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (Socket client = new Socket()) {
                client.setReceiveBufferSize(1);
                client.connect(listener.getLocalAddress());
                try (java.nio.channels.SocketChannel end = listener.accept()) {
                    end.configureBlocking(false);
                    java.nio.ByteBuffer data = java.nio.ByteBuffer.allocate(64 * 1024);
                    long total = 0;
                    // Until five writes in a row, 10 ms apart, take nothing (bounded: 64 MiB at most).
                    for (int zeros = 0; zeros < 5 && total < 64L << 20; ) {
                        data.clear();
                        int n = end.write(data);
                        total += n;
                        if (n == 0) {
                            zeros++;
                            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
                        } else {
                            zeros = 0;
                        }
                    }
                    // A quarter more than it took here, and at least what the server's end may queue: its send buffer,
                    // a segment over it (64 KiB), and the client's receive buffer.
                    return Math.max(total * 5 / 4, end.socket().getSendBufferSize() + 64 * 1024L + client.getReceiveBufferSize());
                }
            }
        }
    }

    private static String letters(Session s, int n) {
        StringBuilder w = new StringBuilder();
        for (int i = 0; i < n; i++) {
            w.append((char) ('a' + s.random().nextInt(26)));
        }
        return w.toString();
    }

    private static String name(Session s, String base) {
        return base + "-" + Long.toString(s.random().nextLong() & 0xFFFFFF, 36);
    }

    /** Registers {@code name}, reads the whole answer, and checks it is a list that has the name. */
    static JsonNode registered(Session s, String name, String end, boolean inPieces) throws Exception {
        Peer c = s.connect(PATIENCE);
        byte[] request = (name + end).getBytes(StandardCharsets.UTF_8);
        if (inPieces) {
            c.sendInPieces(request);
        } else {
            c.send(request);
        }
        if (end.isEmpty()) {
            c.shutdownOutput();
        }
        byte[] answer = c.readToEnd(16 << 20);
        c.socket().close(); // the answer is complete: a server that waits for the client's close goes on
        JsonNode list = parse(s, answer);
        s.expect(list.isObject() && list.has(name), "a JSON object with the key \"" + name + "\"", Wire.hex(answer));
        return list;
    }

    private static JsonNode parse(Session s, byte[] answer) throws Wire.Failed {
        try {
            return JSON.readTree(answer);
        } catch (JacksonException e) {
            throw new Wire.Failed("expected: a complete JSON object, then the server closing\ngot:      " + Wire.hex(answer)
                    + ": " + e.getOriginalMessage());
        }
    }

    public static void main(String[] args) {
        // --link SPEC --server 'COMMAND': the same stages, with the server across lesson 06's link
        int acrossTheLink = AcrossTheLink.runIfAsked("05-threaded-server/run Checker", args, 5005, System.err);
        if (acrossTheLink >= 0) {
            Programs.exit(acrossTheLink);
            return;
        }
        Programs.exit(Wire.main("05-threaded-server/run Checker", "Checks a client-list server (name in, JSON list out); exit 0 only if every stage passes.",
                args, stages(), System.out, System.err));
    }
}
