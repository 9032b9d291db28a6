package sockets.udp;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import sockets.exercise.SeedCheck;

/** The lesson's checker against the seed's two UDP servers (Python 3): which stages each fails, and why. */
@org.junit.jupiter.api.parallel.Execution(org.junit.jupiter.api.parallel.ExecutionMode.CONCURRENT) // two separate processes
class SeedServersTest {

    // Neither seed server ever answers (the second one fails in its own print before sendto), so
    // every stage ends in a wait for an answer; a fifth of a second is plenty on loopback.
    @org.junit.jupiter.api.BeforeAll
    static void shortWaits() {
        System.setProperty("checker.patience.ms", "200");
    }

    @org.junit.jupiter.api.AfterAll
    static void usualWaits() {
        System.clearProperty("checker.patience.ms");
    }

    @Test
    void the_seeds_receive_only_server_fails_the_stages_recorded_for_it() throws Exception {
        SeedCheck.check(Path.of("src/test/resources/seeds/udp_receiver.py"), List.of("0"), Checker.stages(),
                Path.of("src/test/resources/seeds/udp_receiver.expected"), false);
    }

    @Test
    void the_seeds_socketserver_fails_the_stages_recorded_for_it() throws Exception {
        SeedCheck.check(Path.of("src/test/resources/seeds/udp_server.py"), List.of("0"), Checker.stages(),
                Path.of("src/test/resources/seeds/udp_server.expected"), false);
    }
}
