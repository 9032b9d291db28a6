package sockets.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import sockets.raw.Capture;
import sockets.raw.Link;
import sockets.raw.LinkConfig;
import sockets.raw.MalformedPacketException;
import sockets.raw.Sequence;

/**
 * A capture taken on lesson 06's link rather than on {@code lo}: the link shows it every packet
 * either side sends, in the order that side sent it, and says which it dropped. A picture drawn
 * from it shows a lost segment as lost ({@link Sequence#addLost}) and the segment that carries its
 * bytes again as retransmitted.
 *
 * <p>A picture must be the same on every run, so its loss is a rule, not a draw: {@code drop=N}
 * in the settings loses the Nth data segment the client sends (the link's seeded {@code loss} is
 * there too, for watching live, but which segments it picks depends on how many packets came first).
 */
public final class LinkCapture implements Link.Tap {

    /** One packet and what the link did to it: 0 copies delivered for a lost one. */
    private record Carried(Capture.Packet packet, int copies) {
    }

    /** The link's settings ({@link LinkConfig#parse}) and the rule's N (0: no rule). */
    public record Settings(LinkConfig config, int drop) {

        /** {@code mtu=1500,delay=25ms,drop=3}: {@link LinkConfig#parse}'s settings plus {@code drop=N}. */
        public static Settings parse(String spec) {
            List<String> rest = new ArrayList<>();
            int drop = 0;
            for (String part : spec.split(",")) {
                if (part.strip().startsWith("drop=")) {
                    try {
                        drop = Integer.parseInt(part.strip().substring(5));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("drop: cannot read '" + part.strip().substring(5) + "'");
                    }
                    if (drop < 0) {
                        throw new IllegalArgumentException("drop must be 0 (none) or the number of a data segment, not " + drop);
                    }
                } else if (!part.isBlank()) {
                    rest.add(part);
                }
            }
            return new Settings(LinkConfig.parse(String.join(",", rest)), drop);
        }

        /** One line for a caption: what the link does, in words. */
        public String caption() {
            LinkConfig c = config;
            List<String> parts = new ArrayList<>();
            parts.add(String.format(Locale.ROOT, "MTU %,d bytes", c.mtu()));
            parts.add(c.delay().toMillis() + " ms each way");
            if (!c.jitter().isZero()) {
                parts.add("up to " + c.jitter().toMillis() + " ms of jitter");
            }
            if (c.rateBitsPerSecond() > 0) {
                parts.add(String.format(Locale.ROOT, "%,d bit/s", c.rateBitsPerSecond()));
            }
            List<String> drawn = new ArrayList<>();
            if (c.loss() > 0) {
                drawn.add(percent(c.loss()) + " lost");
            }
            if (c.duplicate() > 0) {
                drawn.add(percent(c.duplicate()) + " duplicated");
            }
            if (c.reorder() > 0) {
                drawn.add(percent(c.reorder()) + " reordered");
            }
            if (!drawn.isEmpty()) {
                parts.add(String.join(", ", drawn) + " (drawn with seed " + c.seed() + ")");
            }
            parts.add(drop > 0 ? "the " + ordinal(drop) + " data segment from the client lost" : "nothing lost by rule");
            return String.join(", ", parts);
        }
    }

    private final ConcurrentLinkedQueue<Carried> carried = new ConcurrentLinkedQueue<>();
    private final Settings settings;

    private LinkCapture(Settings settings) {
        this.settings = settings;
    }

    /** What the link does, for the picture's caption: {@code MTU 1,500 bytes, 25 ms each way, ...}. */
    public String caption() {
        return settings.caption();
    }

    @Override
    public void carried(Link.Side from, byte[] packet, int copies) {
        try {
            carried.add(new Carried(Capture.parseIpv4(packet), copies));
        } catch (MalformedPacketException e) {
            // not from the sockets a scenario drives: the kernel builds their headers right
        }
    }

    /**
     * Adds to {@code picture} every packet the link has seen since the last call: lost ones as
     * lost, delivered ones as {@link Sequence#add} draws them (a duplicate once). A packet that
     * a program has read was delivered, so it is here already.
     */
    public Sequence drawInto(Sequence picture) {
        for (Carried c; (c = carried.poll()) != null; ) {
            if (c.copies() == 0) {
                picture.addLost(c.packet());
            } else {
                picture.add(c.packet());
            }
        }
        return picture;
    }

    /** Draws until the picture has an arrow {@code wanted} accepts, at step {@code since} or later (5 s at most). */
    public void awaitArrow(Sequence picture, int since, Predicate<Sequence.Arrow> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            drawInto(picture);
            List<Sequence.Step> steps = picture.steps();
            for (int i = since; i < steps.size(); i++) {
                if (steps.get(i) instanceof Sequence.Arrow a && wanted.test(a)) {
                    return;
                }
            }
            Thread.sleep(5); // bounded polling of the forwarder's queue: the arrow waited for is on its way
        }
        throw new IllegalStateException("the link never carried the arrow waited for; so far:\n" + picture.text());
    }

    /**
     * The rule {@code drop=N}: picks the Nth IPv4 packet that carries TCP data, counting from the
     * first the rule sees. It counts, so it must see every packet of one side, in order: the link
     * calls it on one thread.
     */
    public static Predicate<byte[]> nthDataSegment(int n) {
        int[] seen = {0};
        return packet -> {
            try {
                Capture.Packet p = Capture.parseIpv4(packet);
                return p.tcp() && p.payloadLength() > 0 && ++seen[0] == n;
            } catch (MalformedPacketException e) {
                return false;
            }
        };
    }

    /**
     * Opens the link {@code settings} describe, taps it and sets its rule, runs {@code scenario}'s
     * body across it, and closes it: the scenario's picture.
     */
    public static Sequence run(WireScenario scenario, Settings settings) throws Exception {
        try (Link link = Link.open(settings.config())) {
            LinkCapture capture = new LinkCapture(settings);
            link.tap(capture);
            if (settings.drop() > 0) {
                link.dropWhen(Link.Side.CLIENT, nthDataSegment(settings.drop()));
            }
            return scenario.across().body().run(link, capture);
        }
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.2f", share * 100).replaceAll("\\.?0+$", "") + "%";
    }

    /** The N of the rule {@code drop=N} this capture's link runs with; 0 for none. */
    public int droppedByRule() {
        return settings.drop();
    }

    static String ordinal(int n) {
        String suffix = n % 100 >= 11 && n % 100 <= 13 ? "th" : switch (n % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
        return n + suffix;
    }
}
