package sockets.exercise;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
        return IntStream.range(0, stages.size()).filter(i -> who.runs(i + 1)).mapToObj(i -> DynamicTest.dynamicTest((i + 1) + ". " + stages.get(i).name(),
                () -> run(binder, stages.get(i), i + 1, checker, readme)));
    }

    private static void run(Programs.Binder binder, Wire.Stage stage, int number, String checker, String readme) throws Exception {
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
            failure(serving, 100);
            String problem = Wire.check(stage, server.localAddress(), SEED + number - 1);
            if (problem != null) {
                failure(serving, 1000); // a serve() that died explains the failure better than the transcript
                throw new AssertionError(problem + "\nread:     " + readme + "\nreplay:   " + checker + " HOST:PORT --seed "
                        + SEED + " --stage " + number + "   (start your server, then aim the checker at it)");
            }
        } finally {
            server.close();
            server.awaitStopped(Duration.ofSeconds(5));
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
