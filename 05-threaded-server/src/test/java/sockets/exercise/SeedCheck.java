package sockets.exercise;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import sockets.cli.Wire;

/**
 * Runs a lesson's wire checker against one of the seeds' own servers, ported to Python 3 (in the
 * lesson's {@code src/test/resources/seeds}), and compares the outcome of every stage with the
 * recorded one in {@code NAME.expected}. Each stage gets a fresh server process, so a seed server
 * that crashes or exits after one client fails the stages it really fails, not all that follow.
 *
 * <p>A recorded line is {@code N pass} or {@code N FAIL reason}, the reason being the first line
 * of the checker's message with digits shown as {@code #}; {@code reason | other} accepts either
 * (where the seed's failure depends on timing, both are its bug), and a reason may be the start of
 * the message ({@code Connection reset} for {@code Connection reset by peer}). To record again after a change:
 * {@code ./mvnw -q -pl LESSON test -Dtest=SeedServersTest -Dseeds.update=true}.
 */
public final class SeedCheck {

    private SeedCheck() {
    }

    /** {@code args} after the script; "0" asks the script for a free port, which it prints first. */
    public static void check(Path script, List<String> args, List<Wire.Stage> stages, Path expected) throws Exception {
        Assumptions.assumeTrue(python3(), "python3 is not installed: the seeds' servers cannot run (CI installs it)");
        // Each stage has a server process of its own, so three run side by side (a seed server that
        // never answers costs a wait per stage; this keeps the whole check to a few seconds).
        List<java.util.concurrent.Future<String>> outcomes = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(3)) {
            for (int i = 0; i < stages.size(); i++) {
                Wire.Stage stage = stages.get(i);
                int number = i + 1;
                outcomes.add(pool.submit(() -> stageAgainstFreshServer(script, args, stage, number)));
            }
        }
        List<String> seen = new ArrayList<>();
        for (var outcome : outcomes) {
            seen.add(outcome.get());
        }
        if (Boolean.getBoolean("seeds.update")) {
            Files.writeString(expected, String.join("\n", seen) + "\n");
            return;
        }
        assertThat(expected).as("recorded outcomes; record them with -Dseeds.update=true").isRegularFile();
        List<String> recorded = Files.readAllLines(expected).stream().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertThat(seen).as("stages of %s", script.getFileName()).hasSameSizeAs(recorded);
        for (int i = 0; i < seen.size(); i++) {
            String line = seen.get(i);
            String want = recorded.get(i);
            String prefix = want.substring(0, want.indexOf(' ', want.indexOf(' ') + 1) < 0 ? want.length() : want.indexOf(' ', want.indexOf(' ') + 1));
            List<String> alternatives = want.startsWith((i + 1) + " FAIL ")
                    ? Arrays.stream(want.substring(prefix.length() + 1).split(" \\| ")).map(r -> prefix + " " + r).toList()
                    : List.of(want);
            assertThat(alternatives).as("stage %d of the checker against %s: %s (recorded: %s)", i + 1, script.getFileName(), line, want)
                    .anyMatch(line::startsWith);
        }
    }

    private static String stageAgainstFreshServer(Path script, List<String> args, Wire.Stage stage, int number) throws Exception {
        Path out = Files.createTempFile("seed-", ".out");
        List<String> command = new ArrayList<>(List.of("python3", "-u", script.toString()));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            int port = port(out, p);
            String problem = Wire.check(stage, new InetSocketAddress(InetAddress.getLoopbackAddress(), port), number);
            return number + (problem == null ? " pass" : " FAIL " + problem.lines().findFirst().orElse("").replaceAll("[0-9]", "#").strip());
        } finally {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(out);
        }
    }

    /** The first line of digits the script prints is its port; waits for it at most 10 s. */
    private static int port(Path out, Process p) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            List<String> lines = Files.readAllLines(out);
            for (String line : lines) {
                if (line.matches("\\d+")) {
                    return Integer.parseInt(line);
                }
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("the seed server exited at once: " + String.join("\n", lines));
            }
            Thread.sleep(20); // polling a file the child writes; bounded by the deadline
        }
        throw new IllegalStateException("the seed server printed no port within 10 s");
    }

    private static boolean python3() {
        try {
            return new ProcessBuilder("python3", "--version").redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
