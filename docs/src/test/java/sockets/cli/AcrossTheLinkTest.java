package sockets.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import sockets.raw.Link;

/** The checkers' {@code --link}: how the arguments become one run of lesson 06's {@code Link}. */
@Timeout(180)
class AcrossTheLinkTest {

    @Test
    void without_link_the_checker_goes_on_as_usual() throws Exception {
        assertThat(AcrossTheLink.read(new String[] {"127.0.0.1:5001", "--seed", "5"}, 5001)).isNull();
        assertThat(AcrossTheLink.runIfAsked("Checker", new String[] {"--host", "127.0.0.1"}, 5001, System.err)).isEqualTo(-1);
    }

    @Test
    void link_server_and_port_are_taken_out_and_the_rest_goes_along() throws Exception {
        AcrossTheLink.Request r = AcrossTheLink.read(new String[] {"--link", "delay=25ms", "--server=NN/run Server",
                "127.0.0.1:6000", "--seed", "5", "--stage=2"}, 5001);
        assertThat(r).isEqualTo(new AcrossTheLink.Request("delay=25ms", "NN/run Server", 6000, List.of("--seed", "5", "--stage=2")));
        assertThat(AcrossTheLink.read(new String[] {"--link=loss=1%", "--server", "S", "--host", "h", "--port", "7000"}, 5001).port())
                .isEqualTo(7000);
        assertThat(AcrossTheLink.read(new String[] {"--link=loss=1%", "--server", "S"}, 5001).port()).isEqualTo(5001);
    }

    @Test
    void link_without_a_server_or_with_a_bad_port_is_a_usage_error() {
        assertThatThrownBy(() -> AcrossTheLink.read(new String[] {"--link", "delay=1ms"}, 5001))
                .isInstanceOf(CommandLine.UsageException.class).hasMessageContaining("--server");
        assertThatThrownBy(() -> AcrossTheLink.read(new String[] {"--link", "x", "--server", "s", "--port", "0"}, 5001))
                .isInstanceOf(CommandLine.UsageException.class);
        assertThatThrownBy(() -> AcrossTheLink.read(new String[] {"--link", "x", "--server", "s", "--port", "p"}, 5001))
                .isInstanceOf(CommandLine.UsageException.class);
        assertThatThrownBy(() -> AcrossTheLink.read(new String[] {"--link"}, 5001)).isInstanceOf(CommandLine.UsageException.class);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(AcrossTheLink.runIfAsked("Checker", new String[] {"--link", "x"}, 5001,
                new PrintStream(err, true, StandardCharsets.UTF_8))).isEqualTo(Programs.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("Checker: --link needs --server");
    }

    @Test
    void the_command_runs_lesson_06s_link_with_the_server_and_this_checker_on_either_side() {
        List<String> command = AcrossTheLink.command(Path.of("/course"), "01-blocking-echo/run Checker",
                new AcrossTheLink.Request("delay=25ms", "01-blocking-echo/run EchoServer", 5001, List.of("--seed", "it's")));
        assertThat(command).containsExactly("/course/06-raw-sockets/run", "Link", "--link", "delay=25ms",
                "--server", "01-blocking-echo/run EchoServer --host \"$LINK_SERVER\" --port 5001",
                "--client", "'/course/01-blocking-echo/run' 'Checker' --host \"$LINK_SERVER\" --port 5001 '--seed' 'it'\\''s'");
    }

    /**
     * Three JVMs (the link, the server, the checker) and six stages across a link: about 11 s, so
     * not in the default build. Run it as root with
     * {@code ./mvnw -pl docs -am verify -Dtest=AcrossTheLinkTest -Dsurefire.failIfNoSpecifiedTests=false -Dacross.the.link=checkers}.
     */
    @Test
    @Tag("fix")
    @EnabledIfSystemProperty(named = "across.the.link", matches = "checkers", disabledReason =
            "about 11 s: run with -Dacross.the.link=checkers (as root)")
    void lesson_01s_checker_passes_lesson_01s_server_across_a_link() throws Exception {
        String missing = Link.missing();
        assumeTrue(missing == null, missing);
        Path root = AcrossTheLink.repositoryRoot();
        Process p = new ProcessBuilder(root.resolve("01-blocking-echo/run").toString(), "Checker",
                "--link", "mtu=1500,delay=5ms,loss=1%,seed=7", "--server", "01-blocking-echo/run EchoServer",
                "--port", "15001", "--seed", "5")
                .directory(root.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(output).contains("every stage passed").contains("seed=7");
        assertThat(p.exitValue()).as(output).isZero();
    }
}
