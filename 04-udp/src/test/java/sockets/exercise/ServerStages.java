package sockets.exercise;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import sockets.cli.Programs;
import sockets.cli.Wire;

/**
 * The stages of a server exercise are the lesson's wire checker, stage by stage, each against a
 * fresh server on a free loopback port. A failure shows the checker's transcript, the README
 * section, and the checker command that replays it against any running server.
 */
public final class ServerStages {

    static final long SEED = 1;

    private ServerStages() {
    }

    public static Stream<DynamicTest> of(Who who, Programs.Binder binder, List<Wire.Stage> stages, String checker, String readme) {
        String lesson = checker.substring(0, checker.indexOf('/'));
        String serve = lesson + "/run exercise " + exerciseOf(StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass())
                + " serve --port ";
        if (who.serves()) {
            return Stream.of(DynamicTest.dynamicTest("serving on port " + who.servePort(),
                    () -> serveUntilStopped(binder, who.servePort(), checker)));
        }
        return IntStream.range(0, stages.size()).filter(i -> who.runs(i + 1)).mapToObj(i -> DynamicTest.dynamicTest((i + 1) + ". " + stages.get(i).name(),
                () -> run(binder, stages.get(i), i + 1, checker, readme, serve)));
    }

    /** The exercise whose stages {@code stagesClass} holds, by its descriptor; "NAME" if none says so. */
    static String exerciseOf(Class<?> stagesClass) {
        try {
            return Exercise.all(Path.of(System.getProperty("exercise.module", ""))).stream()
                    .filter(e -> e.stages().equals(stagesClass.getName())).map(Exercise::name).findFirst().orElse("NAME");
        } catch (IOException e) {
            return "NAME";
        }
    }

    /** The replay line: the two commands that run stage {@code number} again against the learner's own server. */
    static String replay(String serve, String checker, int number) {
        long seed = SEED + number - 1;
        return "replay:   start your server: " + serve + "7000; then: " + checker.replace("/run Checker", "/run Checker 127.0.0.1:7000")
                + " --seed " + SEED + " --stage " + number
                + (number == 1 ? "" : "   (the checker then runs stage " + number + " with seed " + SEED + " + " + (number - 1) + " = " + seed
                        + ", as here)");
    }

    private static void run(Programs.Binder binder, Wire.Stage stage, int number, String checker, String readme, String serve) throws Exception {
        Programs.Server server = binder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        CompletableFuture<Void> serving = CompletableFuture.runAsync(() -> {
            try {
                server.serve();
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, Thread::startVirtualThread);
        try {
            // A serve() that fails at once (a stub) is reported as such, not as a silent server.
            // Waiting longer here would change nothing but speed: the check below reports it too.
            died(serving, 100, stage, number, checker, readme, serve);
            String problem = Wire.check(stage, server.localAddress(), SEED + number - 1);
            if (problem != null) {
                // a serve() that died explains the failure better than the transcript
                died(serving, 1000, stage, number, checker, readme, serve);
                throw new AssertionError(problem + "\nread:     " + readme + "\n" + replay(serve, checker, number));
            }
        } finally {
            server.close();
            server.awaitStopped(Duration.ofSeconds(5));
        }
        // Only after a stage that passed: a server that cannot be stopped keeps its port and threads for ever.
        if (!serving.isDone()) {
            try {
                serving.get(1, TimeUnit.SECONDS); // after the 5 s awaitStopped has already waited
            } catch (java.util.concurrent.TimeoutException stillServing) {
                throw new AssertionError(String.join("\n",
                        "sent:     stage " + number + " of the checker, " + stage.name() + " (passed), then close()",
                        "got:      serve() did not return within 6 s of close()",
                        "expected: serve() returns soon after close(), from any state (waiting for a client, reading, writing)",
                        "why:      close() must end what serve() is blocked in (close the listening socket or channel, wake the"
                                + " selector): a loop that catches that failure and tries again never stops",
                        "read:     " + readme,
                        replay(serve, checker, number)));
            } catch (java.util.concurrent.ExecutionException ended) {
                // it returned, with an exception: close() made its blocked call fail, which is how many servers stop
            }
        }
    }

    /** Reports a serve() that ended with an exception the way every stage failure is reported. */
    private static void died(CompletableFuture<Void> serving, long ms, Wire.Stage stage, int number, String checker, String readme,
            String serve) throws Exception {
        try {
            failure(serving, ms);
        } catch (Exception | Error e) {
            if (NotWrittenYet.isIn(e)) {
                throw e;
            }
            throw new AssertionError(String.join("\n",
                    "sent:     stage " + number + " of the checker, " + stage.name(),
                    "got:      your serve() threw " + Teach.thrown(e) + Teach.where(e),
                    "expected: serve() keeps serving clients until close(); one client's failure ends only that client",
                    "why:      " + stage.why(),
                    "read:     " + readme,
                    replay(serve, checker, number)), e);
        }
    }

    private static void serveUntilStopped(Programs.Binder binder, int port, String checker) throws Exception {
        try (Programs.Server server = binder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            String at = Programs.hostPort(server.localAddress());
            System.out.println("serving your code on " + at + "; aim the checker at it: "
                    + checker.replace("/run Checker", "/run Checker " + at) + " --seed " + SEED + "   (Ctrl-C stops)");
            System.out.flush();
            server.serve();
            System.out.println("your serve() returned; stopped");
        }
    }

    /**
     * Serves with {@code server} and runs the checker program on it, as a user would: every stage
     * must pass, in under 15 s, with exit status 0. For each lesson's {@code CheckerTest}.
     */
    public static void checkerPasses(Programs.Server server, List<Wire.Stage> stages) throws Exception {
        try (server) {
            Thread.ofVirtual().start(() -> {
                try {
                    server.serve();
                } catch (IOException ignored) { // the checker's verdict says what went wrong
                }
            });
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            java.io.PrintStream quiet = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
            long start = System.nanoTime();
            int status = Wire.main("Checker", "", new String[] {Programs.hostPort(server.localAddress()), "--seed", "1"},
                    stages, new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8), quiet);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            String report = out.toString(java.nio.charset.StandardCharsets.UTF_8);
            org.assertj.core.api.Assertions.assertThat(report).contains("seed 1").contains("every stage passed").doesNotContain("[FAIL]");
            org.assertj.core.api.Assertions.assertThat(report.lines().filter(l -> l.contains("[pass]")).count()).isEqualTo(stages.size());
            org.assertj.core.api.Assertions.assertThat(status).isZero();
            org.assertj.core.api.Assertions.assertThat(took).isLessThan(Duration.ofSeconds(15));
        }
    }

    /** Throws what ended {@code serve()}, if it has ended with a failure within {@code ms}. */
    private static void failure(CompletableFuture<Void> serving, long ms) throws Exception {
        try {
            serving.get(ms, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException stillServing) {
            return;
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null ? c.getCause() : e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw (Error) cause;
        }
    }
}
