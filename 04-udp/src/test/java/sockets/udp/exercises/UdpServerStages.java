package sockets.udp.exercises;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import sockets.cli.Programs;
import sockets.exercise.ServerStages;
import sockets.exercise.Who;
import sockets.udp.Checker;

/** The stages of the udp-server exercise: the lesson's checker; the reference is {@link sockets.udp.UdpServer}. */
@ExtendWith(Who.Resolver.class)
class UdpServerStages {

    @TestFactory
    Stream<DynamicTest> stages(Who who) {
        Programs.Binder binder = who.pick(() -> a -> UdpServer.bind(a, 8192, System.err),
                () -> a -> sockets.udp.UdpServer.bind(a, false, 8192, System.err), null);
        return ServerStages.of(who, binder, Checker.stages(), "04-udp/run Checker", "04-udp/README.md, \"Detect the oversized datagram\"");
    }
}
