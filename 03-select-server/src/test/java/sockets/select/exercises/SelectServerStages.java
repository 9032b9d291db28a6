package sockets.select.exercises;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import sockets.cli.Programs;
import sockets.cli.ServerProcess;
import sockets.exercise.ServerStages;
import sockets.exercise.Who;
import sockets.select.Checker;
import sockets.select.NaiveSelectEchoServer;

/**
 * The stages of the select-server exercise: the lesson's checker. The reference is
 * {@link sockets.select.SelectEchoServer}; the naive code, {@link NaiveSelectEchoServer}, ignores
 * partial writes and fails the slow reader's stage.
 */
@ExtendWith(Who.Resolver.class)
class SelectServerStages {

    private static final int HIGH_WATER = 256 * 1024;

    @TestFactory
    Stream<DynamicTest> stages(Who who) {
        Programs.Binder binder = who.pick(() -> a -> SelectEchoServer.bind(a, HIGH_WATER, System.err),
                () -> a -> sockets.select.SelectEchoServer.bind(a, HIGH_WATER, 10_000, Duration.ofSeconds(60), System.err),
                () -> a -> naive());
        Programs.Binder measured = a -> onItsOwnThread(binder.bind(a));
        return ServerStages.of(who, measured, Checker.stages(), "03-select-server/run Checker", "03-select-server/README.md, \"The loop\"");
    }

    /**
     * The server, serving on a platform thread of its own that the checker's CPU stage can measure
     * ({@link ServerProcess}): inside this JVM the process's CPU time would count the checker too.
     */
    private static Programs.Server onItsOwnThread(Programs.Server server) {
        return new Programs.Server() {
            @Override
            public InetSocketAddress localAddress() {
                return server.localAddress();
            }

            @Override
            public void serve() throws IOException {
                int port = server.localAddress().getPort();
                AtomicReference<Throwable> failed = new AtomicReference<>();
                Thread serving = Thread.ofPlatform().name("serve-" + port).unstarted(() -> {
                    try {
                        server.serve();
                    } catch (Throwable e) {
                        failed.set(e);
                    }
                });
                ServerProcess.register(port, serving);
                try {
                    serving.start();
                    serving.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while serving");
                } finally {
                    ServerProcess.unregister(port);
                }
                switch (failed.get()) { // the same exception serve() threw, so its stack trace still points at your code
                    case null -> { }
                    case IOException e -> throw e;
                    case RuntimeException e -> throw e;
                    case Error e -> throw e;
                    case Throwable e -> throw new IOException(e);
                }
            }

            @Override
            public void close() {
                server.close();
            }

            @Override
            public boolean awaitStopped(Duration timeout) throws InterruptedException {
                return server.awaitStopped(timeout);
            }
        };
    }

    /** The naive server, shaped like the others (it always listens on a free loopback port). */
    private static Programs.Server naive() throws IOException {
        NaiveSelectEchoServer server = new NaiveSelectEchoServer(8 * 1024);
        CountDownLatch stopped = new CountDownLatch(1);
        return new Programs.Server() {
            @Override
            public InetSocketAddress localAddress() {
                return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
            }

            @Override
            public void serve() throws IOException {
                try {
                    server.serve();
                } finally {
                    stopped.countDown();
                }
            }

            @Override
            public void close() {
                try {
                    server.close();
                } catch (IOException ignored) { // a test's server
                }
            }

            @Override
            public boolean awaitStopped(Duration timeout) throws InterruptedException {
                return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        };
    }
}
