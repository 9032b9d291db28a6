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
import java.util.stream.Stream;

/**
 * One exercise, as described by {@code src/test/resources/exercises/NAME.txt} in its lesson: one
 * {@code key: value} per line; {@code hint:} may repeat (shown one at a time, in order).
 *
 * @param about the README section to read
 * @param reference where the lesson's own solution is (shown once every stage passes or every hint is out)
 * @param edit the stub the learner edits, relative to the lesson
 * @param stages the test class whose methods are the stages, in order
 * @param stubSha256 the stub's hash when untouched, so the build can tell a stub from a learner's work
 * @param naiveStage the 1-based stage the lesson's naive code fails, 0 if it has none
 * @param naiveMessage text the naive code's failure message contains
 */
public record Exercise(String name, String title, String about, String reference, String edit, String stages, String stubSha256,
        int naiveStage, String naiveMessage, List<String> hints) {

    public static final String DIRECTORY = "src/test/resources/exercises";

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
        List<String> hints = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            int colon = line.indexOf(": ");
            if (line.isBlank() || line.startsWith("#") || colon < 0) {
                continue;
            }
            String value = line.substring(colon + 2).strip();
            switch (line.substring(0, colon)) {
                case "title" -> title = value;
                case "about" -> about = value;
                case "reference" -> reference = value;
                case "edit" -> edit = value;
                case "stages" -> stages = value;
                case "stub-sha256" -> sha = value;
                case "hint" -> hints.add(value);
                case "naive" -> {
                    String[] parts = value.split(" \\| ", 2);
                    naiveStage = Integer.parseInt(parts[0].strip());
                    naiveMessage = parts.length > 1 ? parts[1] : "";
                }
                default -> throw new IOException(file + ": unknown key in line: " + line);
            }
        }
        return new Exercise(name, title, about, reference, edit, stages, sha, naiveStage, naiveMessage, List.copyOf(hints));
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
