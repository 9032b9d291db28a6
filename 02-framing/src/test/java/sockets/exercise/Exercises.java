package sockets.exercise;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
 *   run exercise NAME hint       the next hint for your first failing stage (one more each time)
 *   run exercise NAME reset      puts the untouched stub back; your version is kept in .progress/
 *   run exercise NAME serve --port P   a server exercise: your server on 127.0.0.1:P, for the checker
 *   run exercise NAME --watch    runs again each time you save (the run script does the watching)
 *   run exercise NAME --who reference   the same stages against the lesson's own code
 * </pre>
 * Progress lives in {@code NN-lesson/.progress/} (not under target/, so {@code ./mvnw clean} keeps
 * it): {@code NAME.state} (the last run) and {@code NAME.history} (one line per run, hint and reset).
 * {@code docs/progress} reads every lesson's. Exit status: 0 every stage passed, 1 a stage failed,
 * 2 a bad command.
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
            out.println(lesson + ": " + all.size() + " exercises. Start one with: " + lesson + "/run exercise NAME"
                    + "   (the whole course: docs/progress)");
            for (Exercise e : all) {
                out.printf("  %-20s %-28s %s%n", e.name(), Progress.summary(module, e), e.title());
            }
            return 0;
        }
        Optional<Exercise> found = all.stream().filter(e -> e.name().equals(args.getFirst())).findFirst();
        if (found.isEmpty()) {
            out.println("run exercise: no exercise '" + args.getFirst() + "' in " + lesson + "; there are: "
                    + String.join(", ", all.stream().map(Exercise::name).toList()));
            return 2;
        }
        Exercise exercise = found.get();
        List<String> rest = args.subList(1, args.size());
        if (rest.equals(List.of("hint"))) {
            return hint(module, lesson, exercise, out);
        }
        if (rest.equals(List.of("reset"))) {
            return reset(module, lesson, exercise, out);
        }
        if (!rest.isEmpty() && rest.getFirst().equals("serve")) {
            return serve(module, lesson, exercise, rest, out);
        }
        if (!rest.isEmpty() && !(rest.size() == 2 && rest.getFirst().equals("--who"))) {
            out.println("run exercise: unknown '" + String.join(" ", rest) + "'; after the name: hint, reset, serve --port P, --watch"
                    + " or --who reference");
            return 2;
        }
        String who = rest.isEmpty() ? "yours" : rest.get(1);
        out.println(lesson + " · " + exercise.name() + ": " + exercise.title());
        out.println("edit     " + lesson + "/" + exercise.edit());
        out.println("read     " + exercise.about());
        out.println();
        List<Stage> stages = stages(exercise, who, out);
        report(module, lesson, exercise, stages, out);
        if (who.equals("yours")) {
            // An instructor's --who reference run must not count as the learner's progress.
            Progress.record(module, lesson, exercise, stages);
            if (stages.stream().allMatch(s -> s.status().equals("passed"))) {
                compare(module, lesson, exercise, out);
            }
        }
        return stages.stream().allMatch(s -> s.status().equals("passed")) ? 0 : 1;
    }

    /** Runs the exercise's stages against {@code who}'s code, in order; after the first failure the rest are "not reached". */
    public static List<Stage> stages(Exercise exercise, String who) {
        return stages(exercise, who, null);
    }

    /** The same, printing each stage's line as soon as it has finished when {@code live} is not null. */
    public static List<Stage> stages(Exercise exercise, String who, PrintStream live) {
        List<Stage> stages = new ArrayList<>();
        TestExecutionListener recorder = new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.isTest()) {
                    boolean earlierFailed = stages.stream().anyMatch(s -> !s.status().equals("passed"));
                    // The stages are cumulative: after the first failure the rest count as not reached.
                    String status = earlierFailed ? "not reached"
                            : result.getStatus() == TestExecutionResult.Status.SUCCESSFUL ? "passed" : "failed";
                    Stage stage = new Stage(id.getDisplayName(), status, result.getThrowable());
                    stages.add(stage);
                    if (live != null) {
                        live.println(line(stage));
                        live.flush();
                    }
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

    private static String line(Stage s) {
        String mark = switch (s.status()) {
            case "passed" -> "  [pass] ";
            case "failed" -> "  [FAIL] ";
            default -> "  [ -- ] ";
        };
        return mark + s.name() + (s.status().equals("not reached") ? "   (not reached yet)" : "");
    }

    private static void report(Path module, String lesson, Exercise exercise, List<Stage> stages, PrintStream out) throws IOException {
        long passed = stages.stream().filter(s -> s.status().equals("passed")).count();
        out.println();
        Optional<Stage> first = stages.stream().filter(s -> s.status().equals("failed")).findFirst();
        if (first.isEmpty()) {
            out.println("All " + stages.size() + " stages pass.");
            return;
        }
        int number = stages.indexOf(first.get()) + 1;
        Throwable failure = first.get().failure().orElse(null);
        out.println(passed + " of " + stages.size() + " stages pass. First failure, " + first.get().name() + ":");
        if (failure != null && NotWrittenYet.isIn(failure)) {
            out.println("  " + notWrittenYet(failure) + ". Open " + lesson + "/" + exercise.edit() + " and write it.");
        } else if (failure != null) {
            out.println("  " + explain(exercise, number, first.get().name(), failure).replace("\n", "\n  "));
        }
        out.println();
        int left = exercise.hintsFor(number).size() - Progress.hintsShown(module, exercise, number);
        out.println("Stuck? " + lesson + "/run exercise " + exercise.name() + " hint   ("
                + (left > 0 ? left + " hint" + (left == 1 ? "" : "s") + " left for stage " + number : "no hint left for stage " + number) + ")");
    }

    /**
     * A failure as sent / got / expected / why / read lines. A stage's own verdict has them already
     * (a read: line is added if it lacks one); an exception from the learner's code gets them here,
     * from what the exercise file says the stage provokes.
     */
    static String explain(Exercise exercise, int number, String stageName, Throwable failure) {
        if (failure instanceof AssertionError && failure.getMessage() != null && failure.getMessage().contains("\nwhy:")) {
            String message = failure.getMessage();
            return message.contains("\nread:") ? message : message + "\nread:     " + exercise.readFor(number);
        }
        String task = stageName.replaceFirst("^\\d+\\. ", "");
        String why = exercise.why().getOrDefault(number, "stage " + number + " provokes this on purpose: " + task);
        boolean timeout = failure instanceof java.util.concurrent.TimeoutException
                || String.valueOf(failure.getMessage()).contains("timed out after");
        return String.join("\n",
                "sent:     what stage " + number + " sets up: " + task,
                "got:      " + (timeout ? "no result within the stage's time limit (" + failure.getMessage() + ")"
                        : (failure instanceof AssertionError ? String.valueOf(failure.getMessage()).strip() : "your code threw " + Teach.thrown(failure))
                                + Teach.where(failure)),
                "expected: " + task + ", without an exception from your code",
                "why:      " + why,
                "read:     " + exercise.readFor(number));
    }

    private static String notWrittenYet(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof NotWrittenYet) {
                return t.getMessage();
            }
        }
        return "not written yet";
    }

    /** The next hint for the first failing stage of the last run (stage 1 before any run), with those shown before. */
    private static int hint(Path module, String lesson, Exercise exercise, PrintStream out) throws IOException {
        int stage = Progress.firstFailing(module, exercise);
        if (stage == 0) {
            out.println("Every stage of " + exercise.name() + " passed on your last run: no hint needed. Compare with the lesson's: "
                    + lesson + "/" + exercise.reference());
            return 0;
        }
        List<Exercise.Hint> hints = exercise.hintsFor(stage);
        int shown = Progress.hintsShown(module, exercise, stage);
        if (hints.isEmpty() || shown >= hints.size()) {
            out.println("No more hints for stage " + stage + " of " + exercise.name() + ". The lesson's own solution is "
                    + lesson + "/" + exercise.reference() + "; try once more before you read it.");
            for (int i = 0; i < hints.size(); i++) {
                out.println("hint " + (i + 1) + " of " + hints.size() + " for stage " + stage + ": " + hints.get(i).text());
            }
            return 0;
        }
        for (int i = 0; i <= shown; i++) {
            out.println("hint " + (i + 1) + " of " + hints.size() + " for stage " + stage + ": " + hints.get(i).text());
        }
        Progress.hintShown(module, lesson, exercise, stage);
        return 0;
    }

    /** Puts the untouched stub back from git; the learner's version goes to .progress/NAME.yours.java. */
    private static int reset(Path module, String lesson, Exercise exercise, PrintStream out) throws IOException {
        Path stub = module.resolve(exercise.edit());
        if (Exercise.sha256(stub).equals(exercise.stubSha256())) {
            out.println(lesson + "/" + exercise.edit() + " is the untouched stub already; nothing to reset.");
            Progress.reset(module, lesson, exercise);
            return 0;
        }
        Path kept = Progress.dir(module).resolve(exercise.name() + ".yours.java");
        Files.createDirectories(kept.getParent());
        Files.copy(stub, kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String git = gitCheckout(module, exercise.edit());
        if (git != null || !Exercise.sha256(stub).equals(exercise.stubSha256())) {
            out.println("reset: could not restore the stub with git (" + (git != null ? git : "the restored file is not the recorded stub")
                    + "). Your version is kept in " + lesson + "/" + module.relativize(kept) + "; restore the stub with: git checkout -- "
                    + lesson + "/" + exercise.edit());
            return 1;
        }
        Progress.reset(module, lesson, exercise);
        out.println("reset " + exercise.name() + ": " + lesson + "/" + exercise.edit() + " is the untouched stub again; your version is in "
                + lesson + "/" + module.relativize(kept) + " (the next reset replaces it). Progress and hints of " + exercise.name()
                + " start again; its history is kept.");
        return 0;
    }

    /** Runs {@code git checkout -- FILE} in the lesson; null if it worked, else what git said. */
    private static String gitCheckout(Path module, String file) {
        try {
            Process git = new ProcessBuilder("git", "checkout", "--", file).directory(module.toFile()).redirectErrorStream(true).start();
            String said = new String(git.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            if (!git.waitFor(30, TimeUnit.SECONDS)) {
                git.destroyForcibly();
                return "git did not finish within 30 s";
            }
            return git.exitValue() == 0 ? null : said.isEmpty() ? "git exited with " + git.exitValue() : said;
        } catch (IOException e) {
            return "git is not installed: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Serves with the learner's server on 127.0.0.1:PORT until Ctrl-C, for the checker's replay line. */
    private static int serve(Path module, String lesson, Exercise exercise, List<String> rest, PrintStream out) {
        // the stages class of a server exercise hands its server to ServerStages, which serves instead of checking
        int port;
        try {
            if (rest.size() != 3 || !rest.get(1).equals("--port")) {
                throw new NumberFormatException();
            }
            port = Integer.parseInt(rest.get(2));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            out.println("run exercise: usage: " + lesson + "/run exercise " + exercise.name() + " serve --port P   (P from 0 to 65535; 0 picks a free one)");
            return 2;
        }
        Path stagesSource = module.resolve("src/test/java/" + exercise.stages().replace('.', '/') + ".java");
        try {
            if (!Files.readString(stagesSource).contains("ServerStages.of(")) {
                out.println("run exercise: " + exercise.name() + " is not a server exercise: its stages call your code directly, so there"
                        + " is nothing to serve. Run its stages: " + lesson + "/run exercise " + exercise.name());
                return 2;
            }
        } catch (IOException e) {
            out.println("run exercise: cannot read " + stagesSource + ": " + e.getMessage());
            return 2;
        }
        List<Stage> result = new ArrayList<>();
        TestExecutionListener recorder = new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult r) {
                if (id.isTest()) {
                    result.add(new Stage(id.getDisplayName(), r.getStatus().toString(), r.getThrowable()));
                }
            }
        };
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClass(exercise.stages()))
                .configurationParameter(Who.KEY, "yours")
                .configurationParameter(Who.SERVE, Integer.toString(port))
                .build(), recorder);
        if (result.size() != 1 || !result.getFirst().name().startsWith("serving on port")) {
            out.println("run exercise: " + exercise.name() + " is not a server exercise: its stages call your code directly, so there is"
                    + " nothing to serve. Run its stages: " + lesson + "/run exercise " + exercise.name());
            return 2;
        }
        Optional<Throwable> failure = result.getFirst().failure();
        if (failure.isPresent()) {
            Throwable t = failure.get();
            out.println(NotWrittenYet.isIn(t) ? notWrittenYet(t) + ": write serve() first, in " + lesson + "/" + exercise.edit()
                    : "your server stopped: " + Teach.thrown(t) + Teach.where(t));
            return 1;
        }
        return 0;
    }

    /** Once every stage passes: the learner's file next to the lesson's own code, as a unified diff. */
    private static void compare(Path module, String lesson, Exercise exercise, PrintStream out) {
        String reference = exercise.reference().split(" ")[0];
        out.println("Now compare your code with the lesson's (" + exercise.reference() + "):");
        out.println("  diff -u " + lesson + "/" + exercise.edit() + " " + lesson + "/" + reference);
        try {
            Process diff = new ProcessBuilder("diff", "-u", exercise.edit(), reference).directory(module.toFile()).redirectErrorStream(true).start();
            List<String> lines = new String(diff.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
            diff.waitFor(10, TimeUnit.SECONDS);
            int shown = Math.min(lines.size(), 80);
            lines.subList(0, shown).forEach(l -> out.println("  " + l));
            if (lines.size() > shown) {
                out.println("  ... " + (lines.size() - shown) + " more lines: run the diff command above");
            }
        } catch (IOException e) {
            out.println("  (no diff program here: open both files side by side)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
