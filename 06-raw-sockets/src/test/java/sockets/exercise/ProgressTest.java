package sockets.exercise;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learner's progress files (shared plumbing, so every lesson runs this): kept outside target/,
 * hints counted per stage, time on a stage kept across runs that stay on it, the history bounded,
 * and a stub restored by hand shown as not started.
 */
class ProgressTest {

    private static Exercise exercise(Path module) throws IOException {
        Path stub = module.resolve("Stub.java");
        Files.writeString(stub, "class Stub {}\n");
        return new Exercise("demo", "a demo", "the README, \"X\"", "Ref.java", "Stub.java", "Stages",
                Exercise.sha256(stub), 0, "", List.of(new Exercise.Hint(1, 2, "one"), new Exercise.Hint(3, 3, "three")), Map.of(), Map.of());
    }

    private static List<Exercises.Stage> run(int passed, int total) {
        return java.util.stream.IntStream.rangeClosed(1, total).mapToObj(i -> new Exercises.Stage(i + ". stage " + i,
                i <= passed ? "passed" : i == passed + 1 ? "failed" : "not reached", Optional.empty())).toList();
    }

    @Test
    void a_run_a_hint_and_the_summary(@TempDir Path parent) throws IOException {
        Path module = Files.createDirectories(parent.resolve("01-demo"));
        Exercise e = exercise(module);
        assertThat(Progress.summary(module, e)).isEqualTo("not started");
        assertThat(Progress.firstFailing(module, e)).isEqualTo(1);
        Files.writeString(module.resolve("Stub.java"), "class Stub { int mine; }\n");
        Progress.record(module, "01-demo", e, run(2, 4));
        Progress.hintShown(module, "01-demo", e, 3);
        assertThat(Progress.firstFailing(module, e)).isEqualTo(3);
        assertThat(Progress.hintsShown(module, e, 3)).isEqualTo(1);
        assertThat(Progress.hintsShown(module, e, 1)).isZero();
        assertThat(Progress.summary(module, e)).isEqualTo("2/4 stages, 1 hint");
        assertThat(Progress.dir(module)).isEqualTo(module.resolve(".progress"));
        List<String> history = Files.readAllLines(module.resolve(".progress/demo.history"));
        assertThat(history.getFirst()).isEqualTo(Progress.HEADER);
        assertThat(history.get(1)).endsWith(",01-demo,demo,run,3,2,4,0");
        assertThat(history.get(2)).endsWith(",01-demo,demo,hint,3,2,4,1");
        // the learner puts the stub back by hand: the old result no longer counts
        Files.writeString(module.resolve("Stub.java"), "class Stub {}\n");
        assertThat(Progress.summary(module, e)).isEqualTo("not started (stub restored)");
    }

    @Test
    void time_on_a_stage_counts_from_the_first_run_that_reached_it(@TempDir Path parent) throws IOException {
        Path module = Files.createDirectories(parent.resolve("01-demo"));
        Exercise e = exercise(module);
        Progress.record(module, "01-demo", e, run(1, 4));
        String since = Progress.state(module, e).getProperty("since");
        Progress.record(module, "01-demo", e, run(1, 4));
        assertThat(Progress.state(module, e).getProperty("since")).isEqualTo(since);
        assertThat(Progress.state(module, e).getProperty("runs")).isEqualTo("2");
        Progress.record(module, "01-demo", e, run(4, 4));
        assertThat(Progress.firstFailing(module, e)).isZero();
        Progress.reset(module, "01-demo", e);
        assertThat(Progress.summary(module, e)).isEqualTo("not started");
        assertThat(Files.readAllLines(module.resolve(".progress/demo.history")).getLast()).contains(",reset,");
    }

    @Test
    void the_history_keeps_the_newest_lines_up_to_its_cap(@TempDir Path parent) throws IOException {
        Path module = Files.createDirectories(parent.resolve("01-demo"));
        Exercise e = exercise(module);
        Path history = Files.createDirectories(Progress.dir(module)).resolve("demo.history");
        StringBuilder full = new StringBuilder(Progress.HEADER + "\n");
        for (int i = 0; i < Progress.HISTORY_CAP; i++) {
            full.append("2026-12-05T09:00:00Z,old,01-demo,demo,run,1,0,4,").append(i).append('\n');
        }
        Files.writeString(history, full);
        Progress.append(module, "01-demo", e, "run", 2, 1, 4, 0);
        List<String> lines = Files.readAllLines(history);
        assertThat(lines).hasSize(Progress.HISTORY_CAP + 1);
        assertThat(lines.getFirst()).isEqualTo(Progress.HEADER);
        assertThat(lines.get(1)).endsWith(",run,1,0,4,1"); // the oldest line went
        assertThat(lines.getLast()).endsWith(",run,2,1,4,0");
    }

    @Test
    void hints_are_keyed_by_stage(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("demo.txt");
        Files.writeString(file, "hint 1-2,4: a\nhint 3: b\nhint: c\nwhy 3: provokes\nread 2: the README, \"Y\"\nabout: A\n");
        Exercise e = Exercise.read(file);
        assertThat(e.hintsFor(1)).extracting(Exercise.Hint::text).containsExactly("a", "c");
        assertThat(e.hintsFor(3)).extracting(Exercise.Hint::text).containsExactly("b", "c");
        assertThat(e.hintsFor(4)).extracting(Exercise.Hint::text).containsExactly("a", "c");
        assertThat(e.why()).containsEntry(3, "provokes");
        assertThat(e.readFor(2)).isEqualTo("the README, \"Y\"");
        assertThat(e.readFor(1)).isEqualTo("A");
        Files.writeString(file, "hint 3-1: backwards\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Exercise.read(file)).isInstanceOf(IOException.class);
    }
}
