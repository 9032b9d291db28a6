package sockets.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import sockets.raw.Link;
import sockets.raw.LinkConfig;

/**
 * Every wire checker's last stage, "the same, over a network", run across lesson 06's link (MTU
 * 1,500, 25 ms each way, 1% loss, seed 1) exactly as a learner runs it with {@code --link}: the
 * server in one network namespace, the checker in the other, each its own process. The lesson's
 * server must pass; the catalogue's one-read-per-message server must fail, with the message its
 * header names. Over loopback the lessons' own CatalogueTest proves the second half with paced
 * writes; this proves both halves on a network that splits, delays and drops by itself.
 *
 * <p>Named CatalogueTest so that it runs in the catalogue step ({@code ./mvnw -Pcatalogue verify},
 * CI's second step), not in the default build: twelve runs, each with its own JVMs, take about
 * 20 s on a quiet machine and several times that on a busy one. Root only (the link needs it); without root it is skipped with the reason.
 */
@Timeout(600)
class CatalogueTest {

    @BeforeAll
    static void needsALink() {
        String missing = Link.missing();
        assumeTrue(missing == null, missing);
        assumeTrue(python() != null, "python3 is needed for the catalogue's broken servers");
    }

    @ParameterizedTest(name = "{0}: stage {3} across the link, {1} passes and {2} fails")
    @CsvSource({
            "01-blocking-echo,        sockets.echo.EchoServer,          one_read_per_message.py, 7,  sockets.echo.Checker",
            "02-framing,              sockets.framing.FramingServer,    one_read_per_message.py, 10, sockets.framing.Checker",
            "03-select-server,        sockets.select.SelectEchoServer,  one_read_per_message.py, 7,  sockets.select.Checker",
            "04-udp,                  sockets.udp.UdpServer,            recv_2048_one_frame.py,  7,  sockets.udp.Checker",
            "05-threaded-server,      sockets.threaded.ClientListServer, one_read_per_message.py, 8,  sockets.threaded.Checker",
            "07-shutdown-and-failure, sockets.failure.HalfCloseServer,  one_read_per_message.py, 9,  sockets.failure.Checker"})
    void the_network_stage_across_the_link(String lesson, String server, String broken, int stage, String checker) throws Exception {
        Path item = Path.of("..", lesson, "src", "test", "resources", "catalogue", "checker", broken).toAbsolutePath().normalize();
        String header = Files.readAllLines(item).stream().filter(l -> l.contains("fails:")).findFirst().orElseThrow();
        Matcher m = Pattern.compile("fails:\\s*(\\d+)\\s*\\|\\s*(.+)$").matcher(header);
        assertThat(m.find()).as("%s has a 'fails: N | TEXT' header", item).isTrue();
        assertThat(Integer.parseInt(m.group(1))).as("%s fails the network stage", item).isEqualTo(stage);
        String expected = m.group(2).trim();

        try (Link link = Link.open(LinkConfig.parse("mtu=1500,delay=25ms,loss=1%,seed=1"))) {
            System.out.println("CatalogueTest (" + lesson + "): link " + link.config());
            Run good = across(link, java() + " " + server + " --host \"$LINK_SERVER\" --port 5001", checker, 5001, stage);
            assertThat(good.exit()).as("%s against the lesson's %s across the link:%n%s", checker, server, good.output()).isZero();
            assertThat(good.output()).contains("across the link to " + Link.SERVER_ADDRESS.getHostAddress());

            Run bad = across(link, python() + " -u " + item + " --host \"$LINK_SERVER\" --port 5002", checker, 5002, stage);
            assertThat(bad.exit()).as("%s against %s across the link:%n%s", checker, broken, bad.output()).isNotZero();
            assertThat(bad.output()).as("%s's verdict across the link", broken).contains("[FAIL] " + stage + ".").contains(expected);
            System.out.println("CatalogueTest (" + lesson + "):   client to server: " + link.stats(Link.Side.CLIENT));
            System.out.println("CatalogueTest (" + lesson + "):   server to client: " + link.stats(Link.Side.SERVER));
        }
    }

    record Run(int exit, String output) {
    }

    /** Starts the server in the server's namespace, waits for its "listening on" line, then runs the checker's stage in the client's. */
    private static Run across(Link link, String serverCommand, String checker, int port, int stage) throws Exception {
        Process server = link.start(link.process(Link.Side.SERVER, serverCommand).redirectErrorStream(true));
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            // A bounded wait for the line; the reader thread ends when the server does.
            CompletableFuture<Boolean> listening = CompletableFuture.supplyAsync(() -> {
                try {
                    for (String line; (line = lines.readLine()) != null; ) {
                        if (line.contains("listening on")) {
                            return true;
                        }
                    }
                } catch (IOException ended) {
                    // below
                }
                return false;
            });
            assertThat(listening.get(60, TimeUnit.SECONDS)).as("%s printed 'listening on'", serverCommand).isTrue();
            Thread.ofVirtual().start(() -> lines.lines().forEach(l -> { })); // keep its pipe from filling
            Process client = link.start(link.process(Link.Side.CLIENT, java() + " " + checker + " \"$LINK_SERVER\":" + port
                    + " --seed 1 --stage " + stage).redirectErrorStream(true));
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "(output lost: " + e.getMessage() + ")";
                }
            });
            assertThat(client.waitFor(180, TimeUnit.SECONDS)).as("the checker ended within 180 s").isTrue();
            String text = output.get(10, TimeUnit.SECONDS);
            System.out.println(text.strip().lines().map(l -> "    " + l).reduce((a, b) -> a + "\n" + b).orElse(""));
            return new Run(client.exitValue(), text);
        } finally {
            server.descendants().forEach(ProcessHandle::destroyForcibly);
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** This JVM's java, with the test class path (every lesson and its libraries). */
    private static String java() {
        String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return quote(ProcessHandle.current().info().command().orElse("java")) + " -cp " + quote(path);
    }

    private static String python() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, "python3");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    private static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
