package sockets.threaded;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import sockets.exercise.SeedCheck;

/** The lesson's checker against the seed's own client_list.py server (Python 3 port): which stages it fails, and why. */
class SeedServersTest {

    @Test
    void the_seeds_client_list_server_fails_the_stages_recorded_for_it() throws Exception {
        SeedCheck.check(Path.of("src/test/resources/seeds/client_list.py"), List.of("-p", "0"), Checker.stages(),
                Path.of("src/test/resources/seeds/client_list.expected"));
    }
}
