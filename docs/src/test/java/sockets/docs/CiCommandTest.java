package sockets.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** CI runs the very command a new user reads in README.md, so a green CI means that command works. */
class CiCommandTest {

    @Test
    void ci_runs_the_test_command_that_the_readme_shows() {
        String ci = Repository.read(Repository.root().resolve(".ci/run"));
        Matcher m = Pattern.compile("^TEST_COMMAND=\"([^\"]+)\"", Pattern.MULTILINE).matcher(ci);
        assertThat(m.find()).as(".ci/run defines TEST_COMMAND").isTrue();

        String readme = Repository.read(Repository.root().resolve("README.md"));
        assertThat(readme.lines()).as("README.md shows the line CI runs").contains(m.group(1));
    }
}
