package sockets.docs;

import java.util.List;
import sockets.raw.Capture;
import sockets.raw.Link;
import sockets.raw.Sequence;

/**
 * One picture of the wire: a scenario that runs a lesson's real code on loopback while a
 * {@link Capture} records it, and the {@link Sequence} it draws. {@code name} is what a README's
 * marker says ({@code <!-- wire: 01/reply-in-two-segments -->}); {@code about} is one line for the
 * terminal view.
 *
 * <p>A scenario made with {@link #acrossALink} runs across lesson 06's link instead, client and
 * server in namespaces of their own, and is captured on the link ({@link LinkCapture}): {@code body}
 * is null and {@code across} says the link's settings and what runs there.
 */
public record WireScenario(String name, String about, Body body, Across across) {

    /** A scenario on loopback. */
    public WireScenario(String name, String about, Body body) {
        this(name, about, body, null);
    }

    /** A scenario across lesson 06's link, set up as {@code link} says ({@link LinkCapture.Settings#parse}). */
    public static WireScenario acrossALink(String name, String about, String link, LinkBody body) {
        LinkCapture.Settings.parse(link); // a scenario with settings the link cannot read fails here, early
        return new WireScenario(name, about, null, new Across(link, body));
    }

    /** Runs the scenario while {@code capture} records, and returns its picture. */
    @FunctionalInterface
    public interface Body {
        Sequence run(Capture capture) throws Exception;
    }

    /** Runs a scenario across {@code link} while {@code capture} records what the link carries and drops. */
    @FunctionalInterface
    public interface LinkBody {
        Sequence run(Link link, LinkCapture capture) throws Exception;
    }

    /** The link's settings, and the body that runs across it. */
    public record Across(String link, LinkBody body) {
    }

    /** The lesson this picture belongs to: "01" for "01/handshake-and-close". */
    public String lesson() {
        return name.substring(0, name.indexOf('/'));
    }

    /**
     * Names the two ends of every TCP or UDP packet to or from {@code serverPort}: {@code S} for
     * that port, {@code C} for the other end. Anything else is left out of the picture.
     */
    public static Sequence.Naming clientAndServer(int serverPort) {
        return between(-1, serverPort);
    }

    /** Like {@link #clientAndServer(int)}, for one client port only ({@code -1}: any). */
    public static Sequence.Naming between(int clientPort, int serverPort) {
        return p -> clientPort >= 0 && p.sourcePort() != clientPort && p.destinationPort() != clientPort ? null
                : p.sourcePort() == serverPort ? new String[] {"S", "C"}
                : p.destinationPort() == serverPort ? new String[] {"C", "S"} : null;
    }

    /** Adds captured frames to {@code picture} until they include an arrow {@code wanted} accepts (5 s at most). */
    public static void awaitArrow(Capture capture, Sequence picture, java.util.function.Predicate<Sequence.Arrow> wanted)
            throws Exception {
        awaitArrow(capture, picture, picture.steps().size(), wanted);
    }

    /** The same, for an arrow drawn at step {@code since} or later, also one drawn already. */
    public static void awaitArrow(Capture capture, Sequence picture, int since,
            java.util.function.Predicate<Sequence.Arrow> wanted) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            List<Sequence.Step> steps = picture.steps();
            for (int i = since; i < steps.size(); i++) {
                if (steps.get(i) instanceof Sequence.Arrow a && wanted.test(a)) {
                    return;
                }
            }
            picture.addAll(capture.sync()); // the whole batch: every frame in it was sent already
        }
        throw new IllegalStateException("the capture never showed the arrow waited for; so far:\n" + picture.text());
    }
}
