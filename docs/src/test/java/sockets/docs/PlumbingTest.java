package sockets.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Each lesson carries its own copy of the command-line parser and the program wiring, so that it
 * runs from source on its own. The copies must not drift: this test fails when one differs from
 * lesson 01's by a single byte, when the parser outgrows 80 lines, or when a lesson grows a parser
 * of its own again.
 */
class PlumbingTest {

    private static final List<String> SHARED = List.of("AcrossTheLink.java", "CommandLine.java", "Programs.java", "ServerProcess.java", "Timeouts.java", "Wire.java");

    @Test
    void every_lesson_has_byte_identical_copies_of_the_shared_plumbing() throws IOException {
        Path reference = lessons().getFirst().resolve("src/main/java/sockets/cli");
        List<String> problems = new ArrayList<>();
        for (Path lesson : lessons()) {
            for (String name : SHARED) {
                Path copy = lesson.resolve("src/main/java/sockets/cli").resolve(name);
                if (!Files.isRegularFile(copy)) {
                    problems.add(Repository.relative(copy) + " is missing");
                } else if (Files.mismatch(copy, reference.resolve(name)) != -1) {
                    problems.add(Repository.relative(copy) + " differs from " + Repository.relative(reference.resolve(name))
                            + "; copy it over: every lesson must have the same file");
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(lessons()).hasSize(7);
    }

    /** The exercise runner and its helpers (test scope) are shared the same way. */
    @Test
    void every_lesson_has_byte_identical_copies_of_the_exercise_plumbing() throws IOException {
        Path reference = lessons().getFirst().resolve("src/test/java/sockets/exercise");
        List<Path> files;
        try (Stream<Path> list = Files.list(reference)) {
            files = list.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        assertThat(files).extracting(p -> p.getFileName().toString())
                .contains("Exercises.java", "ExerciseInvariantsTest.java", "Who.java", "NotWrittenYet.java");
        List<String> problems = new ArrayList<>();
        for (Path lesson : lessons()) {
            Path dir = lesson.resolve("src/test/java/sockets/exercise");
            try (Stream<Path> list = Files.list(dir)) {
                if (list.count() != files.size()) {
                    problems.add(Repository.relative(dir) + " has other files than " + Repository.relative(reference));
                }
            }
            for (Path file : files) {
                Path copy = dir.resolve(file.getFileName());
                if (!Files.isRegularFile(copy) || Files.mismatch(copy, file) != -1) {
                    problems.add(Repository.relative(copy) + " is missing or differs from " + Repository.relative(file));
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    /** The mutation profile's helper, and the service file through which PIT's JUnit finds it. */
    @Test
    void every_lesson_has_the_same_pit_listing_helper_and_registers_it() throws IOException {
        String helper = "src/test/java/sockets/pit/SkipTestBodiesWhilePitListsTests.java";
        String service = "src/test/resources/META-INF/services/org.junit.jupiter.api.extension.Extension";
        Path reference = lessons().getFirst().resolve(helper);
        List<String> problems = new ArrayList<>();
        for (Path lesson : lessons()) {
            Path copy = lesson.resolve(helper);
            if (!Files.isRegularFile(copy) || Files.mismatch(copy, reference) != -1) {
                problems.add(Repository.relative(copy) + " is missing or differs from " + Repository.relative(reference));
            }
            Path registration = lesson.resolve(service);
            if (!Files.isRegularFile(registration)
                    || !Files.readAllLines(registration).contains("sockets.pit.SkipTestBodiesWhilePitListsTests")) {
                problems.add(Repository.relative(registration) + " does not register sockets.pit.SkipTestBodiesWhilePitListsTests");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void the_command_line_parser_stays_small() throws IOException {
        Path parser = lessons().getFirst().resolve("src/main/java/sockets/cli/CommandLine.java");
        assertThat(Files.readAllLines(parser)).as("lines of %s", Repository.relative(parser)).hasSizeLessThanOrEqualTo(80);
    }

    @Test
    void no_lesson_has_a_parser_of_its_own() throws IOException {
        try (Stream<Path> files = Files.walk(Repository.root())) {
            List<String> parsers = files.filter(p -> p.getFileName().toString().equals("CommandLine.java"))
                    .map(Repository::relative)
                    .filter(p -> !p.contains("/target/") && !p.contains("/src/main/java/sockets/cli/"))
                    .toList();
            assertThat(parsers).isEmpty();
        }
    }

    static List<Path> lessons() throws IOException {
        try (Stream<Path> entries = Files.list(Repository.root())) {
            return entries.filter(p -> p.getFileName().toString().matches("0[1-9]-.*"))
                    .filter(Files::isDirectory)
                    .sorted()
                    .toList();
        }
    }
}
