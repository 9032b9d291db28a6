package sockets.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pictures of the wire in the Markdown are what the wire shows. A diagram generated from a
 * capture is marked with the scenario that made it, right before its block:
 * <pre>
 * &lt;!-- wire: 01/reply-in-two-segments --&gt;
 * ```mermaid
 * sequenceDiagram
 * ...
 * ```</pre>
 * As root, this test runs every scenario again ({@link Pictures}, in a child JVM inside a private
 * network namespace) and compares each marked diagram with the capture: who sent to whom, SYN,
 * FIN and RST, payload sizes, window 0, in order. Notes, participant names and words around the
 * flags and sizes are the writer's. A sequence diagram that is not a capture (an idea such as four
 * buffers) is marked {@code <!-- concept: name -->} instead and is not compared. To rewrite the
 * diagrams that no longer match from the wire: {@code sudo docs/capture --update} (or, as root,
 * this test with {@code -Dwire.update=true}).
 *
 * <p>The pictures across lesson 06's link ({@link WireScenario#acrossALink}) are checked the same
 * way by their own test, which needs what the link needs (root, /dev/net/tun, ip) and skips with
 * what is missing otherwise; for them "lost", "retransmitted" and the count of a run
 * ({@code 7 segments of 1,448 bytes}) are compared too.
 */
@Timeout(120)
class PicturesTest {

    static final Pattern WIRE = Pattern.compile("<!-- wire: (\\S+) -->\\R```mermaid\\R(.*?)^```",
            Pattern.DOTALL | Pattern.MULTILINE);
    private static final Pattern MERMAID = Pattern.compile("^```mermaid\\R\\s*sequenceDiagram", Pattern.MULTILINE);
    private static final Pattern ARROW = Pattern.compile(
            "^\\s*([A-Za-z0-9_]+)\\s*(-->>|->>|--x|-x|--\\)|-\\)|-->|->)\\s*([A-Za-z0-9_]+)\\s*:\\s*(.*?)\\s*$");
    private static final Pattern SIZE = Pattern.compile("(\\d[\\d,]*)\\s+bytes?\\b");
    private static final Pattern SEGMENTS = Pattern.compile("(\\d[\\d,]*)\\s+segments\\b");
    private static final List<String> COMPARED = List.of("SYN", "FIN", "RST", "UDP", "ICMP", "frame", "window 0", "window opens",
            "lost", "retransmitted");
    private static final boolean UPDATE = Boolean.getBoolean("wire.update");
    private static final String UPDATE_COMMAND = "sudo docs/capture --update";

    /** A marked diagram in a Markdown file. */
    record Diagram(Path file, int line, String scenario, String body) {
        String where() {
            return Repository.relative(file) + " line " + line + " (wire: " + scenario + ")";
        }
    }

    static List<Diagram> diagrams() {
        List<Diagram> found = new ArrayList<>();
        for (Path md : Repository.markdownFiles()) {
            String text = Repository.read(md);
            Matcher m = WIRE.matcher(text);
            while (m.find()) {
                found.add(new Diagram(md, lineOf(text, m.start()), m.group(1), m.group(2)));
            }
        }
        return found;
    }

    @Test
    void every_marked_diagram_names_a_scenario_and_every_scenario_is_shown() {
        Set<String> known = new TreeSet<>();
        Pictures.all().forEach(s -> known.add(s.name()));
        List<String> problems = new ArrayList<>();
        Set<String> shown = new TreeSet<>();
        for (Diagram d : diagrams()) {
            shown.add(d.scenario());
            if (!known.contains(d.scenario())) {
                problems.add(d.where() + ": no such scenario; the scenarios are " + known);
            } else if (!d.body().stripLeading().startsWith("sequenceDiagram")) {
                problems.add(d.where() + ": the block after the marker must be a Mermaid sequenceDiagram");
            }
        }
        for (String name : known) {
            if (!shown.contains(name)) {
                problems.add("scenario " + name + " is shown nowhere: put its diagram (docs/capture --mermaid " + name
                        + " prints it) with its marker in the lesson's README");
            }
        }
        assertThat(problems).as("wire diagrams").isEmpty();
    }

    @Test
    void every_sequence_diagram_is_marked_as_a_capture_or_a_concept() {
        List<String> unmarked = new ArrayList<>();
        for (Path md : Repository.markdownFiles()) {
            String text = Repository.read(md);
            Matcher m = MERMAID.matcher(text);
            while (m.find()) {
                String before = text.substring(0, m.start()).stripTrailing();
                if (!before.matches("(?s).*<!-- (wire|concept): \\S+ -->")) {
                    unmarked.add(Repository.relative(md) + " line " + lineOf(text, m.start()));
                }
            }
        }
        assertThat(unmarked).as("sequence diagrams without a <!-- wire: LESSON/NAME --> marker (a capture, checked"
                + " against the wire) or a <!-- concept: NAME --> marker (an idea, not a capture) right before them")
                .isEmpty();
    }

    @Test
    void every_lesson_readme_shows_at_least_two_pictures_of_its_own_wire() {
        List<String> short_ = new ArrayList<>();
        for (int lesson = 1; lesson <= 7; lesson++) {
            String prefix = "0" + lesson;
            long count = diagrams().stream().filter(d -> d.scenario().startsWith(prefix + "/"))
                    .filter(d -> Repository.relative(d.file()).startsWith(prefix + "-")).count();
            if (count < 2) {
                short_.add("lesson " + prefix + " shows " + count);
            }
        }
        assertThat(short_).as("lesson READMEs with fewer than two wire diagrams of their own").isEmpty();
    }

    @Test
    void every_marked_diagram_matches_what_the_wire_shows() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")) || isRoot(),
                "needs root: the scenarios run in a private network namespace and are captured with a raw socket");
        for (String tool : List.of("unshare", "ip", "nft")) {
            assumeTrue(onPath(tool), "needs " + tool + " (unshare: util-linux; ip: iproute2, to make the namespace;"
                    + " nft: nftables, to drop every packet in the dead-peer picture)");
        }
        compareWithTheWire("loopback");
    }

    @Test
    void every_diagram_across_the_link_matches_what_the_link_carried() throws Exception {
        String missing = sockets.raw.Link.missing();
        assumeTrue(missing == null, missing);
        assumeTrue(onPath("unshare"), "needs unshare (util-linux), to run the scenarios in a network namespace of their own");
        compareWithTheWire("link");
    }

    /** Runs the scenarios {@code selection} names and compares their diagrams in the Markdown with the capture. */
    private static void compareWithTheWire(String selection) throws Exception {
        Map<String, String> wire = capture(selection);
        if (UPDATE) {
            rewrite(wire).forEach(where -> System.out.println("PicturesTest: rewrote " + where));
            return;
        }
        List<String> problems = new ArrayList<>();
        for (Diagram d : diagrams()) {
            String captured = wire.get(d.scenario());
            if (captured == null) {
                continue; // an unknown name is the other test's failure; a skipped scenario said why
            }
            String difference = compare(d.body(), captured);
            if (difference != null) {
                problems.add(d.where() + ": " + difference + "\n  The wire showed:\n" + arrows(captured).stream()
                        .map(a -> "    " + a).reduce((a, b) -> a + "\n" + b).orElse("    (nothing)"));
            }
        }
        assertThat(problems).as("diagrams that no longer match the wire; fix each arrow as shown (notes and names are"
                + " free), or rewrite every diagram from the wire with: " + UPDATE_COMMAND).isEmpty();
    }

    /**
     * Rewrites from {@code wire} (scenario name → Mermaid body, as captured) every marked diagram
     * whose arrows no longer match it; a diagram that still matches keeps its notes and names as
     * written. Files are rewritten in place, so they keep their owner. Returns what was rewritten.
     */
    static List<String> rewrite(Map<String, String> wire) throws IOException {
        Map<Path, String> updated = new LinkedHashMap<>();
        List<String> rewritten = new ArrayList<>();
        for (Diagram d : diagrams()) {
            String captured = wire.get(d.scenario());
            if (captured == null || compare(d.body(), captured) == null) {
                continue;
            }
            String marker = "<!-- wire: " + d.scenario() + " -->\n```mermaid\n";
            String text = updated.computeIfAbsent(d.file(), Repository::read);
            updated.put(d.file(), text.replace(marker + d.body() + "```", marker + captured + "```"));
            rewritten.add(d.where());
        }
        for (Map.Entry<Path, String> e : updated.entrySet()) {
            Files.writeString(e.getKey(), e.getValue());
        }
        return rewritten;
    }

    /** Runs the scenarios {@code selection} names in a child JVM in a private network namespace: name → Mermaid body. */
    static Map<String, String> capture(String selection) throws IOException, InterruptedException {
        Path docs = Repository.root().resolve("docs");
        String classpath = docs.resolve("target/test-classes") + ":"
                + Files.readString(docs.resolve("target/test.classpath")).strip();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path output = Files.createTempFile("pictures", ".md");
        Path errors = Files.createTempFile("pictures", ".err");
        try {
            Process child = new ProcessBuilder("unshare", "--net", "--", "sh", "-c", "ip link set lo up && exec \"$@\"", "sh",
                    java, "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-cp", classpath, Pictures.class.getName(), "--mermaid", selection)
                    .redirectOutput(output.toFile()).redirectError(errors.toFile()).start();
            if (!child.waitFor(90, TimeUnit.SECONDS)) {
                child.destroyForcibly();
                throw new AssertionError("the scenarios did not finish within 90 s; so far: " + Files.readString(errors));
            }
            String err = Files.readString(errors, StandardCharsets.UTF_8);
            assertThat(child.exitValue()).as("the scenarios' run failed:\n%s", err).isZero();
            if (!err.isBlank()) {
                System.out.println("PicturesTest: " + err.strip()); // a scenario skipped, with its reason
            }
            Map<String, String> bodies = new LinkedHashMap<>();
            Matcher m = WIRE.matcher(Files.readString(output, StandardCharsets.UTF_8));
            while (m.find()) {
                bodies.put(m.group(1), m.group(2));
            }
            return bodies;
        } finally {
            Files.deleteIfExists(output);
            Files.deleteIfExists(errors);
        }
    }

    /** Null when the two diagrams agree arrow by arrow, else what differs first. */
    static String compare(String readme, String wire) {
        List<String> mine = arrows(readme);
        List<String> theirs = arrows(wire);
        for (int i = 0; i < Math.max(mine.size(), theirs.size()); i++) {
            if (i >= mine.size()) {
                return "arrow " + (i + 1) + " is missing; the wire showed `" + theirs.get(i) + "` next";
            }
            if (i >= theirs.size()) {
                return "arrow " + (i + 1) + " `" + mine.get(i) + "` is not on the wire (it showed " + theirs.size() + " arrows)";
            }
            if (!key(mine.get(i)).equals(key(theirs.get(i)))) {
                return "arrow " + (i + 1) + " says `" + mine.get(i) + "` (" + key(mine.get(i)) + "), the wire showed `"
                        + theirs.get(i) + "` (" + key(theirs.get(i)) + ")";
            }
        }
        return null;
    }

    /** The arrow lines of a diagram, trimmed. */
    static List<String> arrows(String body) {
        return body.lines().filter(l -> ARROW.matcher(l).matches()).map(String::strip).toList();
    }

    /** What is compared of an arrow: its ends, and the flags and size its label names. */
    static String key(String arrow) {
        Matcher m = ARROW.matcher(arrow);
        if (!m.matches()) {
            throw new IllegalArgumentException(arrow);
        }
        String label = m.group(4);
        List<String> parts = new ArrayList<>();
        parts.add(m.group(1) + " to " + m.group(3));
        for (String word : COMPARED) {
            if (Pattern.compile("\\b" + Pattern.quote(word) + "\\b").matcher(label).find()) {
                parts.add(word);
            }
        }
        Matcher segments = SEGMENTS.matcher(label);
        if (segments.find()) {
            parts.add(segments.group(1).replace(",", "") + " segments");
        }
        Matcher size = SIZE.matcher(label);
        parts.add(size.find() ? size.group(1).replace(",", "") + " bytes" : "no data");
        return String.join(", ", parts);
    }

    private static boolean isRoot() {
        try {
            return Files.readString(Path.of("/proc/self/status")).lines()
                    .anyMatch(l -> l.matches("Uid:\\s+0\\s.*"));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static int lineOf(String text, int offset) {
        return (int) text.substring(0, offset).lines().count() + 1;
    }
}
