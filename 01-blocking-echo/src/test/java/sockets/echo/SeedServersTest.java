package sockets.echo;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import sockets.exercise.SeedCheck;

/** The lesson's checker against the seed's own echo server (Python 3 port): which stages it fails, and why. */
class SeedServersTest {

    @Test
    void the_seeds_echo_server_fails_the_stages_recorded_for_it() throws Exception {
        SeedCheck.check(Path.of("src/test/resources/seeds/echo_server.py"), List.of("0"), Checker.stages(),
                Path.of("src/test/resources/seeds/echo_server.expected"));
    }
}
