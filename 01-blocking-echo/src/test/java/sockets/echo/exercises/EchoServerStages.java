package sockets.echo.exercises;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import sockets.cli.Programs;
import sockets.echo.Checker;
import sockets.exercise.ServerStages;
import sockets.exercise.Who;

/** The stages of the echo-server exercise: the lesson's checker; the reference is {@link sockets.echo.EchoServer}. */
@ExtendWith(Who.Resolver.class)
class EchoServerStages {

    @TestFactory
    Stream<DynamicTest> stages(Who who) {
        Duration idle = Duration.ofSeconds(10);
        Programs.Binder binder = who.pick(() -> a -> EchoServer.bind(a, idle, System.err),
                () -> a -> sockets.echo.EchoServer.bind(a, idle, System.err), null);
        return ServerStages.of(who, binder, Checker.stages(), "01-blocking-echo/run Checker",
                "01-blocking-echo/README.md, \"The server: every byte back, one client after another\"");
    }
}
