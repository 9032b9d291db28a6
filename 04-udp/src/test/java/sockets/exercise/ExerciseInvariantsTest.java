package sockets.exercise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * Keeps the exercises from rotting: for every exercise of this lesson, an untouched stub fails
 * every stage, each with {@link NotWrittenYet} (not a timeout, not a port clash); the lesson's own
 * code passes every stage, and every stage has a hint; and the lesson's naive code fails the stage named after its pitfall,
 * with the message the exercise file records.
 */
class ExerciseInvariantsTest {

    private static final Path MODULE = Path.of("");

    @TestFactory
    Stream<DynamicTest> every_exercise_is_sound() throws IOException {
        List<Exercise> all = Exercise.all(MODULE);
        assertThat(all).as("exercises in %s", Exercise.DIRECTORY).hasSizeGreaterThanOrEqualTo(2);
        return all.stream().flatMap(e -> Stream.of(
                DynamicTest.dynamicTest(e.name() + ": the reference passes every stage", () -> referencePasses(e)),
                DynamicTest.dynamicTest(e.name() + ": the untouched stub fails every stage, not yet written", () -> stubFails(e)),
                DynamicTest.dynamicTest(e.name() + ": the naive code fails its pitfall's stage", () -> naiveFails(e))));
    }

    private static void referencePasses(Exercise exercise) throws IOException {
        assertThat(MODULE.resolve(exercise.edit())).as("the stub of %s", exercise.name()).isRegularFile();
        assertThat(MODULE.resolve(exercise.reference().split(" ")[0])).as("the reference of %s", exercise.name()).isRegularFile();
        java.util.regex.Matcher section = java.util.regex.Pattern.compile("\"(.+)\"").matcher(exercise.about());
        assertThat(section.find()).as("%s: about names a README section in quotes", exercise.name()).isTrue();
        assertThat(java.nio.file.Files.readAllLines(MODULE.resolve("README.md")))
                .as("README.md sections (the about: line of %s)", exercise.name())
                .anyMatch(line -> line.startsWith("#") && line.replaceFirst("^#+ ", "").equals(section.group(1)));
        Events tests = run(exercise, "reference");
        assertThat(tests.started().count()).as("stages of %s", exercise.name()).isBetween(3L, 8L);
        assertThat(tests.failed().stream().map(ExerciseInvariantsTest::describe).toList())
                .as("stages the lesson's own code fails").isEmpty();
        assertThat(tests.succeeded().count()).isEqualTo(tests.started().count());
        // The runner shows the hints of the first failing stage: every stage needs at least one.
        for (int stage = 1; stage <= tests.started().count(); stage++) {
            assertThat(exercise.hintsFor(stage)).as("hints for stage %d of %s (a 'hint %d:' or 'hint N-M:' line in %s/%s.txt)",
                    stage, exercise.name(), stage, Exercise.DIRECTORY, exercise.name()).isNotEmpty();
        }
        // A stage that calls the learner's code directly says what it provokes, for a failure that is an
        // exception (a server exercise's stages have the checker's own why: lines).
        boolean server = java.nio.file.Files.readString(MODULE.resolve("src/test/java/" + exercise.stages().replace('.', '/') + ".java"))
                .contains("ServerStages.of(");
        for (int stage = 1; !server && stage <= tests.started().count(); stage++) {
            assertThat(exercise.why()).as("what stage %d of %s provokes (a 'why %d:' line in %s/%s.txt)",
                    stage, exercise.name(), stage, Exercise.DIRECTORY, exercise.name()).containsKey(stage);
        }
        for (int stage : exercise.why().keySet()) {
            assertThat(stage).as("'why %d:' in %s.txt names a stage that exists", stage, exercise.name())
                    .isBetween(1, (int) tests.started().count());
        }
    }

    private static void stubFails(Exercise exercise) throws IOException {
        String sha = Exercise.sha256(MODULE.resolve(exercise.edit()));
        Events tests = run(exercise, "yours");
        boolean allNotWritten = tests.succeeded().count() == 0 && tests.failed().stream()
                .allMatch(e -> e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                        .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable)
                        .map(NotWrittenYet::isIn).orElse(false));
        if (!sha.equals(exercise.stubSha256())) {
            // The learner is working on it: their code is theirs to fail or pass.
            Assumptions.assumeTrue(allNotWritten, () -> exercise.edit() + " has been edited (SHA-256 " + sha
                    + "); the stub check runs on the untouched file. A new stub? Record its hash as stub-sha256.");
        }
        assertThat(tests.failed().stream().map(ExerciseInvariantsTest::describe).toList())
                .as("every stage of the untouched stub must fail with NotWrittenYet")
                .hasSize((int) tests.started().count())
                .allMatch(d -> d.contains("NotWrittenYet"));
        assertThat(tests.started().count()).isBetween(3L, 8L);
    }

    private static void naiveFails(Exercise exercise) {
        Assumptions.assumeTrue(exercise.naiveStage() > 0, exercise.name() + " has no naive counterpart in this lesson");
        List<Event> finished = run(exercise, "naive", exercise.naiveStage()).finished().stream().toList();
        assertThat(finished).as("stage %d of %s", exercise.naiveStage(), exercise.name()).hasSize(1);
        Event stage = finished.getFirst();
        assertThat(describe(stage)).as("stage %d of %s against the naive code", exercise.naiveStage(), exercise.name())
                .contains("FAILED").contains(exercise.naiveMessage());
    }

    private static Events run(Exercise exercise, String who) {
        return run(exercise, who, 0);
    }

    private static Events run(Exercise exercise, String who, int stage) {
        return EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(exercise.stages()))
                .configurationParameter(Who.KEY, who)
                .configurationParameter(Who.STAGE, Integer.toString(stage))
                .configurationParameter("junit.jupiter.execution.timeout.default", "30 s")
                .configurationParameter("junit.jupiter.execution.timeout.thread.mode.default", "SEPARATE_THREAD")
                .execute()
                .testEvents();
    }

    private static String describe(Event event) {
        var result = event.getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow();
        return event.getTestDescriptor().getDisplayName() + ": " + result.getStatus()
                + result.getThrowable().map(t -> " " + t.getClass().getSimpleName() + ": " + t.getMessage()).orElse("");
    }
}
