package sockets.workshop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/progress over a made-up course of two lessons: every exercise is listed with its stages,
 * hints and next step; the next exercise to go on with is named; a stub put back by hand counts
 * as not started; --room writes the opt-in file and --room off removes it.
 */
class CourseProgressTest {

    private static String run(Path root, String... args) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertThat(CourseProgress.run(root, List.of(args), print, print)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void exercise(Path root, String lesson, String name, String stub) throws IOException {
        Path lessonDir = root.resolve(lesson);
        Files.createDirectories(lessonDir.resolve("src/test/resources/exercises"));
        Files.writeString(lessonDir.resolve(name + ".java"), stub);
        Files.writeString(lessonDir.resolve("src/test/resources/exercises/" + name + ".txt"), "title: the " + name + " exercise\nedit: "
                + name + ".java\nstub-sha256: " + CourseProgress.sha256(lessonDir.resolve(name + ".java")) + "\n");
    }

    @Test
    void every_exercise_of_every_lesson_with_the_next_step(@TempDir Path root) throws IOException {
        exercise(root, "01-one", "alpha", "stub\n");
        exercise(root, "01-one", "beta", "stub\n");
        exercise(root, "02-two", "gamma", "stub\n");
        Files.writeString(root.resolve("01-one/alpha.java"), "mine\n");
        Files.writeString(root.resolve("01-one/beta.java"), "mine too\n");
        Files.createDirectories(root.resolve("01-one/.progress"));
        Files.writeString(root.resolve("01-one/.progress/alpha.state"), "failing=0\npassed=5\ntotal=5\nhints=2\nsha=x\n");
        Files.writeString(root.resolve("01-one/.progress/beta.state"), "failing=3\nfailingName=3. the hard one\npassed=2\ntotal=6\nhints=1\nsha=y\nsince="
                + (System.currentTimeMillis() - 5 * 60_000) + "\n");
        String out = run(root);
        assertThat(out).contains("1 of 3 exercises done, 1 under way");
        assertThat(out).containsPattern("alpha +5 of 5 stages +2 hints +done");
        assertThat(out).containsPattern("beta +2 of 6 stages +1 hint +next: stage 3. the hard one \\(01-one/run exercise beta\\)");
        assertThat(out).containsPattern("gamma +not started +0 hints +next: start it, 02-two/run exercise gamma");
        assertThat(out).contains("Next: 01-one/run exercise beta   (2 of 6 stages; on stage 3 for 5 min)");
        // beta's stub put back by hand (git checkout) after its last run: not started again
        Files.writeString(root.resolve("01-one/beta.java"), "stub\n");
        assertThat(run(root)).containsPattern("beta +not started");
    }

    @Test
    void the_room_is_opt_in_and_can_be_left(@TempDir Path root) throws IOException {
        assertThat(run(root, "--room", "http://192.0.2.1:8088", "--name", "sam")).contains("reports to http://192.0.2.1:8088 as 'sam'");
        assertThat(Files.readAllLines(root.resolve(".progress-room"))).containsExactly("http://192.0.2.1:8088", "sam");
        run(root, "--room", "off");
        assertThat(root.resolve(".progress-room")).doesNotExist();
        assertThat(run(root, "--export")).isEqualTo(CourseProgress.HEADER + "\n");
    }
}
