package sockets.docs;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import sockets.raw.Capture;
import sockets.raw.Sequence;

/**
 * Runs the pictures' scenarios and prints what the wire showed, as text for a terminal
 * ({@code docs/capture 01}) or as the Mermaid blocks the READMEs carry ({@code --mermaid}, which
 * {@link PicturesTest} compares with the READMEs). It runs inside a private network namespace
 * whose only interface is {@code lo}, so that the capture sees the scenarios' traffic and nothing
 * else, and the traffic reaches nothing else: it refuses to run anywhere else.
 *
 * With {@code --update} it rewrites, from the wire, every marked diagram in the Markdown whose
 * arrows no longer match (see {@link PicturesTest#rewrite}).
 *
 * <p>Scenarios made with {@link WireScenario#acrossALink} run across lesson 06's link and are
 * captured there; {@code --link SPEC} adds settings to theirs ({@code delay=50ms,loss=2%,seed=9},
 * {@code drop=5}: see {@link LinkCapture.Settings}). Where the link cannot run, they are skipped,
 * with the reason on standard error.
 *
 * <pre>Pictures [--mermaid | --update] [--repeat N] [--link SPEC] all | loopback | link | LESSON... | NAME...</pre>
 */
public final class Pictures {

    private Pictures() {
    }

    /** Every scenario, in lesson order. */
    public static List<WireScenario> all() {
        List<WireScenario> all = new ArrayList<>();
        all.addAll(sockets.echo.EchoPictures.scenarios());
        all.addAll(sockets.framing.FramingPictures.scenarios());
        all.addAll(sockets.select.SelectPictures.scenarios());
        all.addAll(sockets.udp.UdpPictures.scenarios());
        all.addAll(sockets.threaded.ThreadedPictures.scenarios());
        all.addAll(sockets.raw.RawPictures.scenarios());
        all.addAll(sockets.failure.FailurePictures.scenarios());
        return List.copyOf(all);
    }

    /**
     * The scenarios that {@code args} name: "all", a lesson ("01"), a scenario's full name, or
     * "link" (those across lesson 06's link) and "loopback" (the others).
     */
    static List<WireScenario> select(List<String> args) {
        List<WireScenario> chosen = new ArrayList<>();
        for (String arg : args) {
            String wanted = arg.length() == 1 ? "0" + arg : arg;
            List<WireScenario> matching = all().stream()
                    .filter(s -> wanted.equals("all") || s.lesson().equals(wanted) || s.name().equals(wanted)
                            || wanted.equals("link") && s.across() != null
                            || wanted.equals("loopback") && s.across() == null
                            || s.lesson().equals(wanted.length() >= 2 ? wanted.substring(0, 2) : wanted) && !wanted.contains("/"))
                    .toList();
            if (matching.isEmpty()) {
                throw new IllegalArgumentException("no pictures for '" + arg + "'; there are: "
                        + all().stream().map(WireScenario::name).collect(Collectors.joining(", ")));
            }
            matching.stream().filter(s -> !chosen.contains(s)).forEach(chosen::add);
        }
        return chosen;
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        boolean mermaid = false;
        boolean update = false;
        int repeat = 1;
        String linkExtra = "";
        List<String> names = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--mermaid" -> mermaid = true;
                case "--update" -> update = true;
                case "--repeat" -> repeat = Integer.parseInt(args[++i]);
                case "--link" -> linkExtra = i + 1 < args.length ? args[++i] : "";
                default -> names.add(args[i]);
            }
        }
        if (update && !linkExtra.isEmpty()) {
            System.err.println("capture: --update rewrites the READMEs' pictures with each scenario's own link; leave out --link");
            System.exit(2);
            return;
        }
        List<WireScenario> scenarios;
        try {
            scenarios = select(names.isEmpty() ? List.of("all") : names);
            for (WireScenario s : scenarios) {
                if (s.across() != null) {
                    LinkCapture.Settings.parse(s.across().link() + "," + linkExtra);
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("capture: " + e.getMessage());
            System.exit(2);
            return;
        }
        String linkMissing = scenarios.stream().anyMatch(s -> s.across() != null) ? sockets.raw.Link.missing() : null;
        Set<String> interfaces = interfaces();
        if (!interfaces.equals(Set.of("lo"))) {
            System.err.println("capture: refusing to run outside a private network namespace (interfaces here: "
                    + interfaces + "); run it through docs/capture, which makes one");
            System.exit(1);
        }
        int failures = 0;
        java.util.Map<String, String> captured = new java.util.LinkedHashMap<>();
        for (int round = 0; round < (update ? 1 : repeat); round++) {
            for (WireScenario scenario : scenarios) {
                if (scenario.across() != null && linkMissing != null) {
                    System.err.println("capture: " + scenario.name() + " skipped: " + linkMissing);
                    continue;
                }
                try (Capture capture = Capture.start("lo")) {
                    capture.sync(); // whatever came before is not this scenario's
                    Sequence picture = scenario.across() == null ? scenario.body().run(capture)
                            : LinkCapture.run(scenario, LinkCapture.Settings.parse(scenario.across().link() + "," + linkExtra));
                    if (picture.missed() > 0) {
                        throw new IllegalStateException("the capture missed " + picture.missed() + " segments");
                    }
                    if (update) {
                        captured.put(scenario.name(), picture.mermaid());
                    } else if (mermaid) {
                        out.print("<!-- wire: " + scenario.name() + " -->\n```mermaid\n" + picture.mermaid() + "```\n\n");
                    } else {
                        out.println("== " + scenario.name() + ": " + scenario.about());
                        if (scenario.across() != null) {
                            out.println("   across lesson 06's link: " + LinkCapture.Settings
                                    .parse(scenario.across().link() + "," + linkExtra).caption());
                        }
                        out.println(picture.text());
                    }
                } catch (Exception | AssertionError e) {
                    failures++;
                    System.err.println("capture: " + scenario.name() + " failed: " + e);
                    e.printStackTrace();
                }
            }
        }
        if (update && failures == 0) {
            List<String> rewritten = PicturesTest.rewrite(captured);
            rewritten.forEach(where -> out.println("rewrote " + where));
            out.println(rewritten.isEmpty() ? "every diagram of these scenarios matches the wire" : "rewrote "
                    + rewritten.size() + " diagram(s); check them with git diff");
        } else if (update) {
            System.err.println("capture: nothing rewritten, because a scenario failed");
        }
        System.exit(failures == 0 ? 0 : 1);
    }

    /** The network interfaces of this process's namespace (/sys/class/net shows the mount's, not ours). */
    private static Set<String> interfaces() throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/net/dev"))) {
            return lines.filter(l -> l.contains(":")).map(l -> l.substring(0, l.indexOf(':')).strip())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
