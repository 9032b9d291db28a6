package sockets.threaded.exercises;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import sockets.cli.Programs;
import sockets.exercise.ServerStages;
import sockets.exercise.Who;
import sockets.threaded.Checker;

/** The stages of the client-list-server exercise: the lesson's checker; the reference is {@link sockets.threaded.ClientListServer}. */
@ExtendWith(Who.Resolver.class)
class ClientListServerStages {

    @TestFactory
    Stream<DynamicTest> stages(Who who) {
        Duration timeout = Duration.ofSeconds(10);
        Programs.Binder binder = who.pick(() -> a -> ClientListServer.bind(a, timeout, 1000, System.err),
                () -> a -> sockets.threaded.ClientListServer.bind(a, "virtual", timeout, 1000, System.err), null);
        return ServerStages.of(who, binder, Checker.stages(), "05-threaded-server/run Checker",
                "05-threaded-server/README.md, \"The handler\"");
    }
}
