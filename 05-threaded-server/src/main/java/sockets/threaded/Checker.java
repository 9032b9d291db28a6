package sockets.threaded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import sockets.cli.AcrossTheLink;
import sockets.cli.Programs;
import sockets.cli.Wire;
import sockets.cli.Wire.Peer;
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
                new Stage("a name ended by a newline gets the list, with that name in it",
                        "the answer is the whole list as JSON, then the server closes: that close is the answer's end",
                        s -> registered(s, name(s, "alice"), "\n", false)),
                new Stage("a name ended by shutting down the sending side gets the list too",
                        "a client that half-closes has said all it will say: the name is complete (E-14)",
                        s -> registered(s, name(s, "bob"), "", false)),
                new Stage("a name sent in single-byte pieces, with quotes, a backslash and 2- to 4-byte characters, comes back exactly",
                        "one recv is not one message (T-06): read the name up to its newline, then decode its bytes as UTF-8 once (a"
                                + " character split between two reads is garbled if each read is decoded alone); write the list with a JSON"
                                + " library or escape \" and \\ yourself", s -> {
                            String ascii = name(s, "carol");
                            String name = ascii + " \"Q\" \\ \u00dcn\u00efc\u00f8d\u00e9 \u65e5\u672c \ud83c\udf89";
                            Peer c = s.connect(PATIENCE);
                            c.sendInPieces((name + "\n").getBytes(StandardCharsets.UTF_8));
                            byte[] answer = c.readToEnd(16 << 20);
                            JsonNode list = parse(s, answer);
                            s.expect(list.isObject(), "a JSON object", Wire.hex(answer));
                            if (!list.has(name)) {
                                String near = list.propertyNames().stream().filter(k -> k.startsWith(ascii)).findFirst().orElse(null);
                                int at = near == null ? -1 : Math.max(0, java.util.Arrays.mismatch(near.toCharArray(), name.toCharArray()));
                                s.expect(false, "the key \"" + name + "\" (" + name.getBytes(StandardCharsets.UTF_8).length + " bytes of UTF-8)",
                                        near == null ? "no key starting \"" + ascii + "\": " + Wire.hex(answer)
                                                : "the key \"" + near + "\", different from character " + at + " on (\""
                                                        + name.substring(Math.min(at, name.length())) + "\" sent)");
                            }
                            s.expect(!list.has(name.substring(0, 1)), "no entry for a piece of the name", "an entry \"" + name.substring(0, 1) + "\"");
                        }),
                new Stage("each entry has the client's name, and the address and port it connected from",
                        "the entry is {name, address, port} of the client's end of the connection (the peer's address, getpeername),"
                                + " not the server's own (getsockname) or the listening port", s -> {
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
                        }),
                new Stage("50 clients at once each get a list with their own name",
                        "a thread per client (or a pool, or async): no client waits for another's answer", s -> {
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
                new Stage("a client that sends nothing does not hold up the others; a name over 256 bytes is refused, not listed",
                        "one silent client must cost one thread (or one registration), never everyone's answers; a name has at most 256"
                                + " bytes: a server that keeps any length lets one client fill its memory, and lists what it should refuse", s -> {
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
                            JsonNode after = registered(s, name(s, "after"), "\n", false);
                            String kept = after.propertyNames().stream().filter(k -> k.contains(run)).findFirst().orElse(null);
                            s.expect(kept == null, "the next client's list without the refused name",
                                    "an entry of " + (kept == null ? 0 : kept.getBytes(StandardCharsets.UTF_8).length) + " bytes for it");
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
