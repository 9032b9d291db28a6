package sockets.exercise;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The exercise runner behind {@code NN-lesson/run exercise}:
 * <pre>
 *   run exercise                 every exercise of the lesson, with your progress
 *   run exercise NAME            runs its stages against your code: one line per stage
 *   run exercise NAME hint       shows the next hint (one more each time)
 *   run exercise NAME --watch    runs again each time you save (the run script does the watching)
 *   run exercise NAME --who reference   the same stages against the lesson's own code
 * </pre>
 * Each run writes {@code target/exercises/NAME.json}, which an instructor can collect. Exit status:
 * 0 every stage passed, 1 a stage failed, 2 a bad command.
 */
public final class Exercises {

    /** A stage's outcome. */
    public record Stage(String name, String status, Optional<Throwable> failure) {
    }

    private Exercises() {
    }

    public static void main(String[] args) throws IOException {
        Path module = Path.of(System.getProperty("exercise.module", "."));
        System.exit(run(module, List.of(args), System.out));
    }

    static int run(Path module, List<String> args, PrintStream out) throws IOException {
        String lesson = module.toAbsolutePath().normalize().getFileName().toString();
        List<Exercise> all = Exercise.all(module);
        if (args.isEmpty()) {
            out.println(lesson + ": " + all.size() + " exercises. Start one with: " + lesson + "/run exercise NAME");
            for (Exercise e : all) {
                out.printf("  %-20s %-16s %s%n", e.name(), progress(module, e), e.title());
            }
            return 0;
        }
        Optional<Exercise> found = all.stream().filter(e -> e.name().equals(args.getFirst())).findFirst();
        if (found.isEmpty() || args.size() > 3) {
            out.println("run exercise: no exercise '" + args.getFirst() + "' in " + lesson + "; there are: "
                    + String.join(", ", all.stream().map(Exercise::name).toList()));
            return 2;
        }
        Exercise exercise = found.get();
        if (args.contains("hint")) {
            return hint(module, lesson, exercise, out);
        }
        String who = args.size() == 3 && args.get(1).equals("--who") ? args.get(2) : "yours";
        out.println(lesson + " · " + exercise.name() + ": " + exercise.title());
        out.println("edit     " + lesson + "/" + exercise.edit());
        out.println("read     " + exercise.about());
        List<Stage> stages = stages(exercise, who);
        report(lesson, exercise, stages, out);
        writeJson(module, lesson, exercise, who, stages);
        return stages.stream().allMatch(s -> s.status().equals("passed")) ? 0 : 1;
    }

    /** Runs the exercise's stages against {@code who}'s code, in order; after the first failure the rest are "not reached". */
    public static List<Stage> stages(Exercise exercise, String who) {
        List<Stage> stages = new ArrayList<>();
        TestExecutionListener recorder = new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.isTest()) {
                    boolean earlierFailed = stages.stream().anyMatch(s -> !s.status().equals("passed"));
                    // The stages are cumulative: after the first failure the rest count as not reached.
                    String status = earlierFailed ? "not reached"
                            : result.getStatus() == TestExecutionResult.Status.SUCCESSFUL ? "passed" : "failed";
                    stages.add(new Stage(id.getDisplayName(), status, result.getThrowable()));
                }
            }
        };
        Launcher launcher = LauncherFactory.create();
        launcher.execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClass(exercise.stages()))
                .configurationParameter(Who.KEY, who)
                .configurationParameter("junit.jupiter.execution.timeout.default", "30 s")
                .configurationParameter("junit.jupiter.execution.timeout.thread.mode.default", "SEPARATE_THREAD")
                .build(), recorder);
        return stages;
    }

    private static void report(String lesson, Exercise exercise, List<Stage> stages, PrintStream out) {
        out.println();
        for (Stage s : stages) {
            String mark = switch (s.status()) {
                case "passed" -> "  [pass] ";
                case "failed" -> "  [FAIL] ";
                default -> "  [ -- ] ";
            };
            out.println(mark + s.name() + (s.status().equals("not reached") ? "   (not reached yet)" : ""));
        }
        long passed = stages.stream().filter(s -> s.status().equals("passed")).count();
        out.println();
        Optional<Stage> first = stages.stream().filter(s -> s.status().equals("failed")).findFirst();
        if (first.isEmpty()) {
            out.println("All " + stages.size() + " stages pass. Now compare your code with the lesson's: " + lesson + "/" + exercise.reference());
            return;
        }
        Throwable failure = first.get().failure().orElse(null);
        out.println(passed + " of " + stages.size() + " stages pass. First failure, " + first.get().name() + ":");
        if (failure != null && NotWrittenYet.isIn(failure)) {
            out.println("  " + notWrittenYet(failure) + ". Open " + lesson + "/" + exercise.edit() + " and write it.");
        } else if (failure != null) {
            String message = String.valueOf(failure instanceof AssertionError ? failure.getMessage() : Teach.thrown(failure));
            out.println("  " + message.replace("\n", "\n  "));
        }
        out.println();
        out.println("Stuck? " + lesson + "/run exercise " + exercise.name() + " hint   (shows the next of "
                + exercise.hints().size() + " hints)");
    }

    private static String notWrittenYet(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof NotWrittenYet) {
                return t.getMessage();
            }
        }
        return "not written yet";
    }

    private static int hint(Path module, String lesson, Exercise exercise, PrintStream out) throws IOException {
        Path shown = module.resolve("target/exercises/" + exercise.name() + ".hints");
        int count = Files.exists(shown) ? Integer.parseInt(Files.readString(shown).strip()) : 0;
        if (count >= exercise.hints().size()) {
            out.println("No more hints for " + exercise.name() + ". The lesson's own solution is "
                    + lesson + "/" + exercise.reference() + "; try once more before you read it.");
            count = exercise.hints().size() - 1;
        }
        for (int i = 0; i <= count; i++) {
            out.println("hint " + (i + 1) + " of " + exercise.hints().size() + ": " + exercise.hints().get(i));
        }
        Files.createDirectories(shown.getParent());
        Files.writeString(shown, Integer.toString(count + 1));
        return 0;
    }

    private static String progress(Path module, Exercise exercise) throws IOException {
        Path json = module.resolve("target/exercises/" + exercise.name() + ".json");
        if (!Files.exists(json)) {
            return "not started";
        }
        Matcher m = Pattern.compile("\"passed\": (\\d+), \"total\": (\\d+)").matcher(Files.readString(json));
        return m.find() ? m.group(1) + "/" + m.group(2) + " stages" : "?";
    }

    private static void writeJson(Path module, String lesson, Exercise exercise, String who, List<Stage> stages)
            throws IOException {
        Path shown = module.resolve("target/exercises/" + exercise.name() + ".hints");
        String hints = Files.exists(shown) ? Files.readString(shown).strip() : "0";
        StringBuilder json = new StringBuilder("{\"lesson\": \"" + lesson + "\", \"exercise\": \"" + exercise.name()
                + "\", \"who\": \"" + who + "\", \"time\": \"" + Instant.now() + "\", \"passed\": "
                + stages.stream().filter(s -> s.status().equals("passed")).count() + ", \"total\": " + stages.size()
                + ", \"hints\": " + hints + ", \"user\": \"" + escape(System.getProperty("user.name", "")) + "\",\n \"stages\": [");
        for (int i = 0; i < stages.size(); i++) {
            json.append(i == 0 ? "\n" : ",\n").append("  {\"name\": \"").append(escape(stages.get(i).name()))
                    .append("\", \"status\": \"").append(stages.get(i).status()).append("\"}");
        }
        // An instructor's --who reference run must not overwrite the learner's progress.
        Path file = module.resolve("target/exercises/" + exercise.name() + (who.equals("yours") ? "" : "." + who) + ".json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, json.append("]}\n").toString());
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
