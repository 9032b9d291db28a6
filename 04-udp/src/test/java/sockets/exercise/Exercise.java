package sockets.exercise;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One exercise, as described by {@code src/test/resources/exercises/NAME.txt} in its lesson: one
 * {@code key: value} per line. {@code hint N:}, {@code hint N-M:} or {@code hint 1-2,5:} may repeat: a
 * hint for those stages, shown one at a time to a learner whose first failing stage it is; a plain
 * {@code hint:} fits every stage. {@code why N:} says what stage N provokes, for a failure that is an
 * exception rather than a stage's own verdict; {@code read N:} names the README section for stage N
 * when it is not the exercise's {@code about:} section.
 *
 * @param about the README section to read
 * @param reference where the lesson's own solution is (shown once every stage passes or every hint is out)
 * @param edit the stub the learner edits, relative to the lesson
 * @param stages the test class whose methods are the stages, in order
 * @param stubSha256 the stub's hash when untouched, so the build can tell a stub from a learner's work
 * @param naiveStage the 1-based stage the lesson's naive code fails, 0 if it has none
 * @param naiveMessage text the naive code's failure message contains
 * @param hints the hints, each for a range of stages
 * @param why what each stage provokes, by stage number (not every stage needs one: a server stage has the checker's)
 * @param read README sections by stage number, where not {@code about}
 */
public record Exercise(String name, String title, String about, String reference, String edit, String stages, String stubSha256,
        int naiveStage, String naiveMessage, List<Hint> hints, Map<Integer, String> why, Map<Integer, String> read) {

    /** A hint for stages {@code from} to {@code to}. */
    public record Hint(int from, int to, String text) {

        public boolean fits(int stage) {
            return from <= stage && stage <= to;
        }
    }

    /** The hints that fit stage {@code stage}, in the file's order. */
    public List<Hint> hintsFor(int stage) {
        return hints.stream().filter(h -> h.fits(stage)).toList();
    }

    /** The README section to read for stage {@code stage}. */
    public String readFor(int stage) {
        return read.getOrDefault(stage, about);
    }

    public static final String DIRECTORY = "src/test/resources/exercises";
    private static final Pattern KEYED = Pattern.compile("(hint|why|read) (\\d+(?:-\\d+)?(?:,\\d+(?:-\\d+)?)*)");

    /** Every exercise of the lesson in {@code module}, in name order. */
    public static List<Exercise> all(Path module) throws IOException {
        try (Stream<Path> files = Files.list(module.resolve(DIRECTORY))) {
            List<Exercise> all = new ArrayList<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".txt")).sorted().toList()) {
                all.add(read(file));
            }
            return all;
        }
    }

    static Exercise read(Path file) throws IOException {
        String name = file.getFileName().toString().replaceFirst("\\.txt$", "");
        String title = "", about = "", reference = "", edit = "", stages = "", sha = "", naiveMessage = "";
        int naiveStage = 0;
        List<Hint> hints = new ArrayList<>();
        Map<Integer, String> why = new TreeMap<>();
        Map<Integer, String> read = new TreeMap<>();
        for (String line : Files.readAllLines(file)) {
            int colon = line.indexOf(": ");
            if (line.isBlank() || line.startsWith("#") || colon < 0) {
                continue;
            }
            String value = line.substring(colon + 2).strip();
            String key = line.substring(0, colon);
            Matcher keyed = KEYED.matcher(key);
            if (keyed.matches()) {
                for (String part : keyed.group(2).split(",")) {
                    String[] range = part.split("-");
                    int from = Integer.parseInt(range[0]);
                    int to = range.length == 1 ? from : Integer.parseInt(range[1]);
                    if (to < from || range.length > 2 || (!keyed.group(1).equals("hint") && to != from)) {
                        throw new IOException(file + ": stage numbers must be N, N-M (upwards) or a list of those (hint only): " + line);
                    }
                    switch (keyed.group(1)) {
                        case "hint" -> hints.add(new Hint(from, to, value));
                        case "why" -> why.put(from, value);
                        default -> read.put(from, value);
                    }
                }
                continue;
            }
            switch (key) {
                case "title" -> title = value;
                case "about" -> about = value;
                case "reference" -> reference = value;
                case "edit" -> edit = value;
                case "stages" -> stages = value;
                case "stub-sha256" -> sha = value;
                case "hint" -> hints.add(new Hint(1, Integer.MAX_VALUE, value));
                case "naive" -> {
                    String[] parts = value.split(" \\| ", 2);
                    naiveStage = Integer.parseInt(parts[0].strip());
                    naiveMessage = parts.length > 1 ? parts[1] : "";
                }
                default -> throw new IOException(file + ": unknown key in line: " + line);
            }
        }
        return new Exercise(name, title, about, reference, edit, stages, sha, naiveStage, naiveMessage, List.copyOf(hints),
                Map.copyOf(why), Map.copyOf(read));
    }

    /** The SHA-256 of a file with Windows line ends made Unix ones, so a checkout on Windows hashes the same. */
    public static String sha256(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n");
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
