package sockets.workshop;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * {@code docs/progress}: a learner's progress through every exercise of every lesson, read from
 * each lesson's {@code .progress/} (which the exercise runner writes and {@code ./mvnw clean} keeps).
 * <pre>
 *   docs/progress                       every exercise: stages passed, hints, and the next thing to do
 *   docs/progress --export              the attempt history of every exercise as one CSV, on stdout
 *   docs/progress --send URL            sends the whole history to an instructor's room once
 *   docs/progress --room URL [--name N] from now on each run reports to that room (opt-in); --room off stops it
 * </pre>
 * One file, JDK only, so the script runs it with the source launcher, without a build.
 */
public final class CourseProgress {

    static final String HEADER = "time,user,lesson,exercise,event,stage,passed,total,hints";

    /** One exercise as its descriptor and its state file say. */
    record Row(String lesson, String name, String title, String edit, int passed, int total, int failing, String failingName,
            int hints, int runs, long since, boolean started) {
    }

    private CourseProgress() {
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args[0]);
        List<String> rest = List.of(args).subList(1, args.length);
        System.exit(run(root, rest, System.out, System.err));
    }

    static int run(Path root, List<String> args, PrintStream out, PrintStream err) throws IOException {
        if (args.isEmpty()) {
            print(root, rows(root), out);
            return 0;
        }
        switch (args.getFirst()) {
            case "--export" -> {
                out.print(export(root));
                return 0;
            }
            case "--send" -> {
                if (args.size() != 2) {
                    break;
                }
                return send(root, args.get(1), out, err);
            }
            case "--room" -> {
                if (args.size() == 2 && args.get(1).equals("off")) {
                    Files.deleteIfExists(root.resolve(".progress-room"));
                    out.println("progress: runs no longer report to a room");
                    return 0;
                }
                if (args.size() == 2 || (args.size() == 4 && args.get(2).equals("--name"))) {
                    String url = args.get(1);
                    if (!url.startsWith("http://")) {
                        err.println("progress: the room's address starts with http://, e.g. http://192.168.1.10:8088");
                        return 2;
                    }
                    String name = args.size() == 4 ? args.get(3) : System.getProperty("user.name", "someone");
                    Files.writeString(root.resolve(".progress-room"), url + "\n" + name + "\n");
                    out.println("progress: from now on each run of an exercise reports to " + url + " as '" + name
                            + "' (a line of the history: time, exercise, stage, passed, hints). Stop with: docs/progress --room off");
                    return 0;
                }
            }
            default -> {
            }
        }
        err.println("usage: docs/progress [--export | --send URL | --room URL [--name NAME] | --room off]");
        return 2;
    }

    static List<Row> rows(Path root) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (Path lesson : lessons(root)) {
            Path descriptors = lesson.resolve("src/test/resources/exercises");
            if (!Files.isDirectory(descriptors)) {
                continue;
            }
            try (Stream<Path> files = Files.list(descriptors)) {
                for (Path d : files.filter(f -> f.toString().endsWith(".txt")).sorted().toList()) {
                    rows.add(row(lesson, d));
                }
            }
        }
        return rows;
    }

    static List<Path> lessons(Path root) throws IOException {
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(p -> p.getFileName().toString().matches("0\\d-[a-z0-9-]+") && Files.isDirectory(p)).sorted().toList();
        }
    }

    private static Row row(Path lesson, Path descriptor) throws IOException {
        String name = descriptor.getFileName().toString().replaceFirst("\\.txt$", "");
        String title = "", edit = "", stub = "";
        for (String line : Files.readAllLines(descriptor)) {
            if (line.startsWith("title: ")) {
                title = line.substring(7).strip();
            } else if (line.startsWith("edit: ")) {
                edit = line.substring(6).strip();
            } else if (line.startsWith("stub-sha256: ")) {
                stub = line.substring(13).strip();
            }
        }
        Properties p = new Properties();
        Path state = lesson.resolve(".progress").resolve(name + ".state");
        if (Files.exists(state)) {
            try (InputStream in = Files.newInputStream(state)) {
                p.load(in);
            }
        }
        // A stub put back by hand (git checkout) since the last run: that progress is gone.
        boolean restored = p.containsKey("failing") && !stub.isEmpty() && !stub.equals(p.getProperty("sha"))
                && stub.equals(sha256(lesson.resolve(edit)));
        return new Row(lesson.getFileName().toString(), name, title, edit, number(p, "passed"), number(p, "total"), number(p, "failing"),
                p.getProperty("failingName", ""), number(p, "hints"), number(p, "runs"), millis(p, "since"), p.containsKey("failing") && !restored);
    }

    /** As the lessons' Exercise.sha256: the file's SHA-256 with Windows line ends made Unix ones; "" if it cannot be read. */
    static String sha256(Path file) {
        try {
            byte[] text = Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8);
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(text));
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            return "";
        }
    }

    private static int number(Properties p, String key) {
        try {
            return (int) Math.min(Integer.MAX_VALUE, Long.parseLong(p.getProperty(key, "0")));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static long millis(Properties p, String key) {
        try {
            return Long.parseLong(p.getProperty(key, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static String next(Row r) {
        String command = r.lesson() + "/run exercise " + r.name();
        if (!r.started()) {
            return "next: start it, " + command;
        }
        if (r.failing() == 0) {
            return "done";
        }
        return "next: stage " + r.failingName() + " (" + command + ")";
    }

    static void print(Path root, List<Row> rows, PrintStream out) {
        long done = rows.stream().filter(r -> r.started() && r.failing() == 0).count();
        long started = rows.stream().filter(Row::started).count();
        out.println("Course progress: " + done + " of " + rows.size() + " exercises done, " + (started - done) + " under way"
                + "   (kept in NN-lesson/.progress/, which ./mvnw clean leaves alone)");
        String lesson = "";
        for (Row r : rows) {
            if (!r.lesson().equals(lesson)) {
                lesson = r.lesson();
                out.println(lesson);
            }
            String stages = r.started() ? r.passed() + " of " + r.total() + " stages" : "not started";
            out.printf("  %-20s %-16s %-9s %s%n", r.name(), stages, r.hints() + (r.hints() == 1 ? " hint" : " hints"), next(r));
        }
        rows.stream().filter(r -> r.started() && r.failing() != 0).findFirst()
                .or(() -> rows.stream().filter(r -> !r.started()).findFirst())
                .ifPresentOrElse(r -> out.println("\nNext: " + r.lesson() + "/run exercise " + r.name()
                                + (r.started() ? "   (" + r.passed() + " of " + r.total() + " stages; on stage " + r.failing() + " for "
                                        + human(Duration.ofMillis(Math.max(0, System.currentTimeMillis() - r.since()))) + ")" : "   (" + r.title() + ")")),
                        () -> out.println("\nEvery exercise is done. Compare yours with the lessons' code: each lesson's run exercise NAME shows the diff."));
    }

    static String human(Duration d) {
        long minutes = d.toMinutes();
        return minutes < 1 ? "under a minute" : minutes < 120 ? minutes + " min" : d.toHours() + " h";
    }

    /** Every history line of every exercise, under one header. */
    static String export(Path root) throws IOException {
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        for (Path lesson : lessons(root)) {
            Path dir = lesson.resolve(".progress");
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path h : files.filter(f -> f.toString().endsWith(".history")).sorted().toList()) {
                    Files.readAllLines(h).stream().filter(l -> !l.equals(HEADER) && !l.isBlank()).forEach(l -> csv.append(l).append('\n'));
                }
            }
        }
        return csv.toString();
    }

    /** Posts every history line to URL/report, one request per at most 200 lines; says what the room answered. */
    static int send(Path root, String url, PrintStream out, PrintStream err) throws IOException {
        List<String> lines = export(root).lines().skip(1).toList();
        if (lines.isEmpty()) {
            out.println("progress: nothing to send yet (no exercise run on this machine)");
            return 0;
        }
        String[] keys = HEADER.split(",");
        for (int from = 0; from < lines.size(); from += 200) {
            StringBuilder body = new StringBuilder();
            for (String line : lines.subList(from, Math.min(lines.size(), from + 200))) {
                String[] f = line.split(",", -1);
                if (f.length != keys.length) {
                    continue;
                }
                for (int i = 0; i < keys.length; i++) {
                    body.append(i == 0 ? "" : "&").append(keys[i]).append('=').append(URLEncoder.encode(f[i], StandardCharsets.UTF_8));
                }
                body.append('\n');
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(url.replaceAll("/+$", "") + "/report").toURL().openConnection();
                c.setConnectTimeout(3000);
                c.setReadTimeout(5000);
                c.setDoOutput(true);
                c.setRequestMethod("POST");
                c.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
                try (OutputStream o = c.getOutputStream()) {
                    o.write(body.toString().getBytes(StandardCharsets.UTF_8));
                }
                int status = c.getResponseCode();
                if (status != 204 && status != 200) {
                    err.println("progress: the room at " + url + " answered " + status + " " + c.getResponseMessage());
                    return 1;
                }
            } catch (IOException | IllegalArgumentException e) {
                err.println("progress: cannot reach the room at " + url + ": " + e.getMessage());
                return 1;
            }
        }
        out.println("progress: sent " + lines.size() + " history lines to " + url + " at " + Instant.now());
        return 0;
    }
}
