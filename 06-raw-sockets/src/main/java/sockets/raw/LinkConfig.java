package sockets.raw;

import java.time.Duration;
import java.util.Locale;

/**
 * What the link in a box does to each packet: its MTU, one-way delay and jitter, the share of
 * packets it loses, duplicates and reorders, its rate and queue, and the seed of the rule that
 * decides which packets. Written as {@code mtu=1500,delay=25ms,loss=1%} ({@link #parse}); every
 * field not named keeps its default: MTU 1,500, no delay, no loss, no rate limit, a 1,000-packet
 * queue, seed 1.
 *
 * @param mtu          largest IPv4 packet, in bytes (68 to 65,535); larger ones are dropped
 * @param delay        one-way delay added to every packet
 * @param jitter       up to this much more delay, drawn per packet (packets keep their order)
 * @param loss         share of packets dropped, 0 to 1
 * @param duplicate    share of packets delivered twice
 * @param reorder      share of packets sent at once, without the delay: they overtake the others
 * @param rateBitsPerSecond the link's rate; 0 for unlimited
 * @param queue        packets that may wait for the rate before more are dropped
 * @param seed         the seed of the rule (printed, so that a run can be repeated)
 */
public record LinkConfig(int mtu, Duration delay, Duration jitter, double loss, double duplicate, double reorder,
        long rateBitsPerSecond, int queue, long seed) {

    public static final LinkConfig DEFAULT = new LinkConfig(1500, Duration.ZERO, Duration.ZERO, 0, 0, 0, 0, 1000, 1);

    public LinkConfig {
        if (mtu < 68 || mtu > 65_535) {
            throw new IllegalArgumentException("mtu must be from 68 (IPv4's minimum) to 65535, not " + mtu);
        }
        requireNotNegative(delay, "delay");
        requireNotNegative(jitter, "jitter");
        requireShare(loss, "loss");
        requireShare(duplicate, "duplicate");
        requireShare(reorder, "reorder");
        if (rateBitsPerSecond < 0) {
            throw new IllegalArgumentException("rate must be 0 (unlimited) or more, not " + rateBitsPerSecond);
        }
        if (queue < 1) {
            throw new IllegalArgumentException("queue must be at least 1 packet, not " + queue);
        }
    }

    private static void requireNotNegative(Duration d, String what) {
        if (d == null || d.isNegative() || d.toSeconds() > 3600) {
            throw new IllegalArgumentException(what + " must be from 0 to 1 hour, not " + d);
        }
    }

    private static void requireShare(double share, String what) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException(what + " must be from 0% to 100%, not " + share);
        }
    }

    /**
     * Reads {@code mtu=1500,delay=25ms,jitter=5ms,loss=1%,duplicate=0.5%,reorder=1%,rate=10mbit,queue=100,seed=7}
     * (any subset, any order) on top of {@link #DEFAULT}.
     *
     * @throws IllegalArgumentException naming the part that cannot be read
     */
    public static LinkConfig parse(String spec) {
        LinkConfig c = DEFAULT;
        if (spec.isBlank()) {
            return c;
        }
        for (String part : spec.split(",")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("expected NAME=VALUE, not '" + part + "'");
            }
            c = c.with(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
        }
        return c;
    }

    /** This configuration with one field changed, the value written as in {@link #parse}. */
    public LinkConfig with(String name, String value) {
        try {
            return switch (name) {
                case "mtu" -> new LinkConfig(Integer.parseInt(value), delay, jitter, loss, duplicate, reorder,
                        rateBitsPerSecond, queue, seed);
                case "delay" -> new LinkConfig(mtu, duration(value), jitter, loss, duplicate, reorder,
                        rateBitsPerSecond, queue, seed);
                case "jitter" -> new LinkConfig(mtu, delay, duration(value), loss, duplicate, reorder,
                        rateBitsPerSecond, queue, seed);
                case "loss" -> new LinkConfig(mtu, delay, jitter, share(value), duplicate, reorder,
                        rateBitsPerSecond, queue, seed);
                case "duplicate" -> new LinkConfig(mtu, delay, jitter, loss, share(value), reorder,
                        rateBitsPerSecond, queue, seed);
                case "reorder" -> new LinkConfig(mtu, delay, jitter, loss, duplicate, share(value),
                        rateBitsPerSecond, queue, seed);
                case "rate" -> new LinkConfig(mtu, delay, jitter, loss, duplicate, reorder, rate(value), queue, seed);
                case "queue" -> new LinkConfig(mtu, delay, jitter, loss, duplicate, reorder, rateBitsPerSecond,
                        Integer.parseInt(value), seed);
                case "seed" -> new LinkConfig(mtu, delay, jitter, loss, duplicate, reorder, rateBitsPerSecond,
                        queue, Long.parseLong(value));
                default -> throw new IllegalArgumentException("unknown link setting '" + name
                        + "' (known: mtu, delay, jitter, loss, duplicate, reorder, rate, queue, seed)");
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": cannot read '" + value + "'");
        }
    }

    /** {@code 25ms}, {@code 1.5s}, {@code 200us}, {@code 0}. */
    static Duration duration(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        double nanosPerUnit;
        String number;
        if (t.endsWith("ms")) {
            nanosPerUnit = 1e6;
            number = t.substring(0, t.length() - 2);
        } else if (t.endsWith("us")) {
            nanosPerUnit = 1e3;
            number = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            nanosPerUnit = 1e9;
            number = t.substring(0, t.length() - 1);
        } else {
            throw new NumberFormatException("no unit");
        }
        return Duration.ofNanos(Math.round(Double.parseDouble(number) * nanosPerUnit));
    }

    /** {@code 1%} or {@code 0.01}. */
    static double share(String text) {
        return text.endsWith("%") ? Double.parseDouble(text.substring(0, text.length() - 1)) / 100
                : Double.parseDouble(text);
    }

    /** {@code 10mbit}, {@code 512kbit}, {@code 1gbit}, {@code 9600bit}, {@code 0} (unlimited). */
    static long rate(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        long unit = t.endsWith("gbit") ? 1_000_000_000L : t.endsWith("mbit") ? 1_000_000L : t.endsWith("kbit") ? 1_000L : 1L;
        String number = t.equals("0") ? "0" : t.replaceAll("[gmk]?bit$", "");
        if (!t.equals("0") && !t.endsWith("bit")) {
            throw new NumberFormatException("no unit");
        }
        return Math.round(Double.parseDouble(number) * unit);
    }

    /** The same form {@link #parse} reads, every field named. */
    @Override
    public String toString() {
        return "mtu=" + mtu + ",delay=" + millis(delay) + ",jitter=" + millis(jitter) + ",loss=" + percent(loss)
                + ",duplicate=" + percent(duplicate) + ",reorder=" + percent(reorder) + ",rate="
                + rateText(rateBitsPerSecond) + ",queue=" + queue + ",seed=" + seed;
    }

    private static String rateText(long bits) {
        if (bits == 0) {
            return "0";
        }
        String[] units = {"gbit", "mbit", "kbit"};
        long[] sizes = {1_000_000_000L, 1_000_000L, 1_000L};
        for (int i = 0; i < units.length; i++) {
            if (bits % sizes[i] == 0) {
                return bits / sizes[i] + units[i];
            }
        }
        return bits + "bit";
    }

    private static String millis(Duration d) {
        return (d.toNanos() % 1_000_000 == 0 ? String.valueOf(d.toMillis()) : String.valueOf(d.toNanos() / 1e6)) + "ms";
    }

    private static String percent(double share) {
        double p = share * 100;
        return (p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p)) + "%";
    }
}
