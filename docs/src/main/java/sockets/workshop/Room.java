package sockets.workshop;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code docs/room}: the instructor's view of a workshop room, offline, JDK only. Learners' exercise
 * runs report one history line each (opt-in: {@code docs/progress --room URL}); the page shows a
 * learner x exercise grid, stuck learners first, with stages passed, attempts, hints, time on the
 * current stage and time since the last report; {@code /room.csv} exports it. {@code --from DIR}
 * reads collected {@code .progress/*.history} files instead, for after the day.
 * <pre>
 *   docs/room [--port 8088] [--bind 127.0.0.1] [--from DIR]
 * </pre>
 * It holds to the course's server checklist: it binds only the address it is given (loopback unless
 * told otherwise); every request is bounded in size ({@value #MAX_BODY} bytes, else 413) and in time
 * (a client that trickles its request is cut off after {@value #REQUEST_SECONDS} s, and it has a thread
 * of its own meanwhile, so it stops nobody else); at most {@value #MAX_LEARNERS} learners and
 * {@value #MAX_EXERCISES} exercises each are kept (else 429); every field is checked (unknown or
 * missing fields: 400); names are shown as text, never as markup; Ctrl-C stops it.
 */
public final class Room implements AutoCloseable {

    static final int MAX_BODY = 64 * 1024;
    static final int MAX_LEARNERS = 200;
    static final int MAX_EXERCISES = 50;
    static final int REQUEST_SECONDS = 10;
    static final Duration IDLE = Duration.ofMinutes(10);
    static final Duration STUCK = Duration.ofMinutes(15);
    static final int STUCK_ATTEMPTS = 5;
    static final List<String> FIELDS = List.of("time", "user", "lesson", "exercise", "event", "stage", "passed", "total", "hints");
    private static final Pattern LESSON = Pattern.compile("0\\d-[a-z0-9-]{1,40}");
    private static final Pattern EXERCISE = Pattern.compile("[a-z0-9-]{1,40}");
    private static final Set<String> EVENTS = Set.of("run", "hint", "reset");

    static {
        // Read once, when the JDK's server classes load: a request (headers and body) must arrive
        // within REQUEST_SECONDS, and an answer leave within as long, or the connection is closed.
        System.setProperty("sun.net.httpserver.maxReqTime", Integer.toString(REQUEST_SECONDS));
        System.setProperty("sun.net.httpserver.maxRspTime", Integer.toString(REQUEST_SECONDS));
        System.setProperty("sun.net.httpserver.maxReqHeaders", "64");
    }

    /** One learner's work on one exercise, from their reports. */
    static final class Work {
        String lesson;
        String exercise;
        int passed;
        int total;
        int stage = 1;
        Instant since;
        Instant last;
        int runs;
        int hints;
        final Map<Integer, Integer> attempts = new TreeMap<>();
        final Map<Integer, Integer> hintsByStage = new TreeMap<>();

        boolean done() {
            return total > 0 && passed == total;
        }

        String key() {
            return lesson + "/" + exercise;
        }
    }

    /** A learner: their exercises, and when they last reported. */
    static final class Learner {
        final String name;
        final Map<String, Work> work = new LinkedHashMap<>();
        Instant last = Instant.EPOCH;

        Learner(String name) {
            this.name = name;
        }
    }

    /** A refused report: the HTTP status and why. */
    static final class Refused extends Exception {
        final int status;

        Refused(int status, String why) {
            super(why);
            this.status = status;
        }
    }

    private final Map<String, Learner> learners = new LinkedHashMap<>();
    private final Supplier<Instant> clock;
    private HttpServer server;
    private ExecutorService threads;

    Room(Supplier<Instant> clock) {
        this.clock = clock;
    }

    public static void main(String[] args) throws Exception {
        int port = 8088;
        String bind = "127.0.0.1";
        Path from = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--port" -> port = Integer.parseInt(args[++i]);
                    case "--bind" -> bind = args[++i];
                    case "--from" -> from = Path.of(args[++i]);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("--port must be 0 to 65535");
            }
        } catch (RuntimeException e) {
            System.err.println("room: " + e.getMessage() + "\nusage: docs/room [--port 8088] [--bind 127.0.0.1] [--from DIR]");
            System.exit(2);
            return;
        }
        Room room = new Room(Instant::now);
        if (from != null) {
            System.out.println("room: read " + room.load(from) + " history lines from " + from);
        }
        InetSocketAddress at = room.start(new InetSocketAddress(InetAddress.getByName(bind), port));
        String url = "http://" + at.getAddress().getHostAddress() + ":" + at.getPort();
        System.out.println("room: open " + url + "/ (CSV: " + url + "/room.csv); Ctrl-C stops it");
        System.out.println("room: each learner, once: docs/progress --room " + url + " --name THEIR-NAME"
                + (at.getAddress().isLoopbackAddress() ? "   (loopback only: this machine; for the room's network: --bind ITS-ADDRESS)" : ""));
        Runtime.getRuntime().addShutdownHook(new Thread(room::close));
        Thread.currentThread().join();
    }

    /** Serves the page on {@code address}; returns the address bound (port 0 picks one). */
    InetSocketAddress start(InetSocketAddress address) throws IOException {
        server = HttpServer.create(address, 50);
        // A thread per exchange: a client that trickles its request holds only its own.
        threads = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
        return server.getAddress();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
            threads.shutdownNow();
        }
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath();
            String method = x.getRequestMethod();
            if (path.equals("/report") && method.equals("POST")) {
                try {
                    report(body(x));
                    send(x, 204, "text/plain", "");
                } catch (Refused r) {
                    send(x, r.status, "text/plain; charset=utf-8", r.getMessage() + "\n");
                }
            } else if (path.equals("/") && method.equals("GET")) {
                send(x, 200, "text/html; charset=utf-8", page());
            } else if (path.equals("/room.csv") && method.equals("GET")) {
                x.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"room.csv\"");
                send(x, 200, "text/csv; charset=utf-8", csv());
            } else if (path.equals("/") || path.equals("/report") || path.equals("/room.csv")) {
                send(x, 405, "text/plain", "method not allowed\n");
            } else {
                send(x, 404, "text/plain", "not found\n");
            }
        }
    }

    /**
     * Of a refused body, at most this much is read and thrown away before the 413 goes out: closing a
     * connection with the client's bytes still unread sends a reset, which can destroy the answer
     * before the client reads it (lesson 07). Beyond this, the refusal closes at once.
     */
    static final int DISCARD_LIMIT = 1024 * 1024;

    /** The request body, refused with 413 if it is (or announces) more than MAX_BODY bytes. */
    private static String body(HttpExchange x) throws IOException, Refused {
        String length = x.getRequestHeaders().getFirst("Content-Length");
        long announced = -1;
        if (length != null) {
            try {
                announced = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                throw new Refused(400, "bad Content-Length");
            }
        }
        InputStream in = x.getRequestBody();
        if (announced > MAX_BODY) {
            discard(in, announced);
            throw new Refused(413, "a report is at most " + MAX_BODY + " bytes");
        }
        byte[] bytes = in.readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) {
            discard(in, DISCARD_LIMIT);
            throw new Refused(413, "a report is at most " + MAX_BODY + " bytes");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Reads and drops up to DISCARD_LIMIT bytes of a refused body (the request's time limit still applies). */
    private static void discard(InputStream in, long announced) throws IOException {
        if (announced <= DISCARD_LIMIT) {
            byte[] sink = new byte[8192];
            long left = announced;
            int n;
            while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) != -1) {
                left -= n;
            }
        }
    }

    private static void send(HttpExchange x, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", type);
        x.getResponseHeaders().set("Cache-Control", "no-store");
        x.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        x.getResponseHeaders().set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
        x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = x.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** Takes a report: one history line per line, each as key=value pairs joined by '&'. Returns the lines taken. */
    synchronized int report(String body) throws Refused {
        List<Map<String, String>> records = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (!line.isBlank()) {
                records.add(parse(line.strip()));
            }
        }
        if (records.isEmpty()) {
            throw new Refused(400, "an empty report");
        }
        for (Map<String, String> r : records) {
            take(r);
        }
        return records.size();
    }

    static Map<String, String> parse(String line) throws Refused {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : line.split("&")) {
            int eq = pair.indexOf('=');
            if (eq < 0) {
                throw new Refused(400, "not key=value: " + shorten(pair));
            }
            String key = pair.substring(0, eq);
            if (!FIELDS.contains(key)) {
                throw new Refused(400, "unknown field: " + shorten(key));
            }
            try {
                fields.put(key, URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new Refused(400, "bad encoding in " + key);
            }
        }
        for (String f : FIELDS) {
            if (!fields.containsKey(f)) {
                throw new Refused(400, "missing field: " + f);
            }
        }
        return fields;
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private void take(Map<String, String> r) throws Refused {
        Instant time;
        try {
            time = Instant.parse(r.get("time"));
        } catch (DateTimeParseException e) {
            throw new Refused(400, "time is not an ISO instant");
        }
        String user = r.get("user").strip();
        if (user.isEmpty() || user.codePointCount(0, user.length()) > 64 || user.chars().anyMatch(Character::isISOControl)) {
            throw new Refused(400, "user must be 1 to 64 characters, without control characters");
        }
        if (!LESSON.matcher(r.get("lesson")).matches() || !EXERCISE.matcher(r.get("exercise")).matches()) {
            throw new Refused(400, "lesson or exercise is not a course name");
        }
        if (!EVENTS.contains(r.get("event"))) {
            throw new Refused(400, "event must be run, hint or reset");
        }
        int stage = small(r, "stage"), passed = small(r, "passed"), total = small(r, "total"), hints = small(r, "hints");
        Learner learner = learners.get(user);
        if (learner == null) {
            if (learners.size() >= MAX_LEARNERS) {
                throw new Refused(429, "the room holds at most " + MAX_LEARNERS + " learners");
            }
            learner = new Learner(user);
            learners.put(user, learner);
        }
        String key = r.get("lesson") + "/" + r.get("exercise");
        Work w = learner.work.get(key);
        if (w == null) {
            if (learner.work.size() >= MAX_EXERCISES) {
                throw new Refused(429, "at most " + MAX_EXERCISES + " exercises per learner");
            }
            w = new Work();
            w.lesson = r.get("lesson");
            w.exercise = r.get("exercise");
            learner.work.put(key, w);
        }
        if (time.isAfter(learner.last)) {
            learner.last = time;
        }
        switch (r.get("event")) {
            case "run" -> {
                if (w.since == null || w.stage != stage) {
                    w.since = time;
                }
                w.stage = stage;
                w.passed = passed;
                w.total = total;
                w.runs++;
                w.attempts.merge(stage, 1, Integer::sum);
                w.hints = Math.max(w.hints, hints);
            }
            case "hint" -> {
                w.hints = Math.max(w.hints, hints);
                w.hintsByStage.merge(stage, 1, Integer::sum);
            }
            default -> { // reset: the exercise starts again
                w.stage = 1;
                w.passed = 0;
                w.since = time;
                w.hints = 0;
            }
        }
        w.last = time;
    }

    private static int small(Map<String, String> r, String key) throws Refused {
        try {
            int n = Integer.parseInt(r.get(key));
            if (n < 0 || n > 1000) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new Refused(400, key + " must be a whole number from 0 to 1000");
        }
    }

    /** Reads every *.history file under {@code dir} (collected progress folders, for after the day). */
    int load(Path dir) throws IOException {
        int taken = 0;
        try (Stream<Path> files = Files.walk(dir, 8)) {
            for (Path h : files.filter(f -> f.toString().endsWith(".history")).sorted().toList()) {
                for (String line : Files.readAllLines(h)) {
                    String[] f = line.split(",", -1);
                    if (f.length != FIELDS.size() || line.startsWith("time,")) {
                        continue;
                    }
                    Map<String, String> r = new LinkedHashMap<>();
                    for (int i = 0; i < f.length; i++) {
                        r.put(FIELDS.get(i), f[i]);
                    }
                    try {
                        synchronized (this) {
                            take(r);
                        }
                        taken++;
                    } catch (Refused e) {
                        System.err.println("room: " + h + ": skipped a line: " + e.getMessage());
                    }
                }
            }
        }
        return taken;
    }

    /** How long a learner has been on the stage they fail, zero if done or not started. */
    private Duration onStage(Work w, Instant now) {
        return w.done() || w.since == null ? Duration.ZERO : Duration.between(w.since, now).isNegative() ? Duration.ZERO : Duration.between(w.since, now);
    }

    private boolean stuck(Work w, Instant now) {
        return !w.done() && w.since != null
                && (onStage(w, now).compareTo(STUCK) >= 0 || w.attempts.getOrDefault(w.stage, 0) >= STUCK_ATTEMPTS);
    }

    /** Learners, the stuck ones first (longest on a stage first), then the others by name. */
    private List<Learner> ordered(Instant now) {
        Comparator<Learner> byStuck = Comparator.comparing((Learner l) -> l.work.values().stream().filter(w -> stuck(w, now))
                .map(w -> onStage(w, now)).max(Comparator.naturalOrder()).orElse(Duration.ofSeconds(-1))).reversed();
        return learners.values().stream().sorted(byStuck.thenComparing(l -> l.name)).toList();
    }

    synchronized String page() {
        Instant now = clock.get();
        Set<String> columns = new TreeSet<>();
        learners.values().forEach(l -> columns.addAll(l.work.keySet()));
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"5\">")
                .append("<title>The room</title><style>body{font-family:sans-serif;margin:1em}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #999;padding:.3em .5em;font-size:90%;vertical-align:top}.stuck{background:#f6c9c4}")
                .append(".done{background:#cdebc6}.idle{color:#888}th{background:#eee}</style></head><body>\n")
                .append("<h1>The room</h1>\n<p id=\"summary\">").append(learners.size()).append(" learner").append(learners.size() == 1 ? "" : "s")
                .append(", ").append(learners.values().stream().filter(l -> l.work.values().stream().anyMatch(w -> stuck(w, now))).count())
                .append(" stuck, ").append(learners.values().stream().filter(l -> Duration.between(l.last, now).compareTo(IDLE) >= 0).count())
                .append(" idle; at ").append(DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault()).format(now))
                .append(". The page refreshes every 5 s. <a href=\"/room.csv\">CSV</a></p>\n")
                .append("<table id=\"grid\"><thead><tr><th>learner</th><th>last report</th>");
        for (String c : columns) {
            h.append("<th>").append(escape(c)).append("</th>");
        }
        h.append("</tr></thead><tbody>\n");
        for (Learner l : ordered(now)) {
            Duration idle = Duration.between(l.last, now);
            h.append("<tr class=\"learner").append(idle.compareTo(IDLE) >= 0 ? " idle" : "").append("\"><th>").append(escape(l.name))
                    .append("</th><td>").append(ago(idle)).append(idle.compareTo(IDLE) >= 0 ? " (idle)" : "").append("</td>");
            for (String c : columns) {
                Work w = l.work.get(c);
                if (w == null) {
                    h.append("<td></td>");
                    continue;
                }
                String cls = w.done() ? "done" : stuck(w, now) ? "stuck" : "";
                h.append("<td class=\"").append(cls).append("\">").append(w.passed).append('/').append(w.total).append(" stages");
                if (!w.done()) {
                    h.append("<br>on stage ").append(w.stage).append(" for ").append(ago(onStage(w, now)).replace(" ago", ""));
                }
                h.append("<br>").append(w.runs).append(w.runs == 1 ? " run, " : " runs, ").append(w.hints).append(w.hints == 1 ? " hint" : " hints")
                        .append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody></table>\n<h2>Stages: attempts and hints</h2>\n<table id=\"stages\"><thead><tr><th>exercise</th><th>stage</th>")
                .append("<th>learners on it now</th><th>attempts</th><th>hints</th></tr></thead><tbody>\n");
        Map<String, int[]> stages = new TreeMap<>();
        for (Learner l : learners.values()) {
            for (Work w : l.work.values()) {
                w.attempts.forEach((s, n) -> stages.computeIfAbsent(w.key() + "\u0000" + String.format("%04d", s), k -> new int[3])[1] += n);
                w.hintsByStage.forEach((s, n) -> stages.computeIfAbsent(w.key() + "\u0000" + String.format("%04d", s), k -> new int[3])[2] += n);
                if (!w.done() && w.since != null) {
                    stages.computeIfAbsent(w.key() + "\u0000" + String.format("%04d", w.stage), k -> new int[3])[0]++;
                }
            }
        }
        stages.forEach((k, v) -> h.append("<tr><td>").append(escape(k.substring(0, k.indexOf('\u0000')))).append("</td><td>")
                .append(Integer.parseInt(k.substring(k.indexOf('\u0000') + 1))).append("</td><td>").append(v[0]).append("</td><td>")
                .append(v[1]).append("</td><td>").append(v[2]).append("</td></tr>\n"));
        h.append("</tbody></table>\n<p>Stuck: on one stage for ").append(STUCK.toMinutes()).append(" min or ").append(STUCK_ATTEMPTS)
                .append(" runs; idle: no report for ").append(IDLE.toMinutes()).append(" min. This server binds only the address it was given,")
                .append(" refuses reports over ").append(MAX_BODY / 1024).append(" KiB (413), unknown or missing fields (400) and more than ")
                .append(MAX_LEARNERS).append(" learners (429), cuts off a request that takes over ").append(REQUEST_SECONDS)
                .append(" s, and shows every name as text.</p>\n</body></html>\n");
        return h.toString();
    }

    synchronized String csv() {
        Instant now = clock.get();
        StringBuilder c = new StringBuilder("user,lesson,exercise,passed,total,stage,runs,hints,seconds_on_stage,seconds_since_report,stuck,done\n");
        for (Learner l : ordered(now)) {
            for (Work w : l.work.values()) {
                c.append(csvField(l.name)).append(',').append(w.lesson).append(',').append(w.exercise).append(',').append(w.passed).append(',')
                        .append(w.total).append(',').append(w.done() ? 0 : w.stage).append(',').append(w.runs).append(',').append(w.hints).append(',')
                        .append(onStage(w, now).toSeconds()).append(',').append(Math.max(0, Duration.between(l.last, now).toSeconds())).append(',')
                        .append(stuck(w, now)).append(',').append(w.done()).append('\n');
            }
        }
        return c.toString();
    }

    /** A CSV field: quoted when it holds a comma, quote or line end; a leading =, +, - or @ is neutralised for spreadsheets. */
    static String csvField(String s) {
        String v = !s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0 ? "'" + s : s;
        return v.matches(".*[,\"\\r\\n].*") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }

    static String ago(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s < 60 ? s + " s ago" : s < 7200 ? s / 60 + " min ago" : s / 3600 + " h ago";
    }

    static String escape(String s) {
        StringBuilder e = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> e.append("&lt;");
                case '>' -> e.append("&gt;");
                case '&' -> e.append("&amp;");
                case '"' -> e.append("&quot;");
                case '\'' -> e.append("&#39;");
                default -> e.append(ch);
            }
        }
        return e.toString();
    }
}
