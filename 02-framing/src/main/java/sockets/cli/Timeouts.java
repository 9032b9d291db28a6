package sockets.cli;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;

/**
 * One rule for every {@link Duration} the course's code takes (a read timeout, a frame deadline, a
 * heartbeat interval), because the socket APIs read a timeout of 0 as "wait forever":
 * {@code setSoTimeout(0)}, {@code connect(addr, 0)}, {@code SO_RCVTIMEO} of {0, 0} and
 * {@code Selector.select(0)} all block without end. Narrowing a Duration to int milliseconds turns
 * anything under 1 ms into exactly that.
 * <ul>
 *   <li>null: {@link NullPointerException}; zero or negative: {@link IllegalArgumentException}
 *       (checked when a piece is built, by {@link #require});</li>
 *   <li>above 0 but under 1 ms: 1 ms (rounded up, never down to 0);</li>
 *   <li>above {@link Integer#MAX_VALUE} ms (24.8 days, the longest a socket timeout can be): that
 *       longest timeout.</li>
 * </ul>
 * A deadline in {@link System#nanoTime()} terms is capped at {@link #LONGEST_NANOS} (about 146
 * years), so {@code now + nanos} cannot overflow into the past.
 * <p>
 * The same file is in every lesson, like the rest of {@code sockets.cli}; the build checks the
 * copies. Copy it with any piece that uses it.
 */
public final class Timeouts {

    /** The longest span a deadline may be set ahead: far beyond any use, far from overflowing. */
    public static final long LONGEST_NANOS = Long.MAX_VALUE / 2;

    private Timeouts() {
    }

    /** Returns {@code d} if it is positive; otherwise fails, naming {@code what}. */
    public static Duration require(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive (a socket reads 0 as 'forever'), was " + d);
        }
        return d;
    }

    /** {@code d} as a socket timeout in milliseconds: at least 1, at most {@link Integer#MAX_VALUE}. */
    public static int millis(Duration d) {
        require(d, "timeout");
        if (d.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) >= 0) {
            return Integer.MAX_VALUE;
        }
        long whole = d.toMillis(); // rounds down, so add one for any part of a millisecond left over
        return (int) (d.minusMillis(whole).isZero() ? whole : whole + 1);
    }

    /** {@code d} in nanoseconds, for a deadline: at least 1, at most {@link #LONGEST_NANOS}. */
    public static long nanos(Duration d) {
        require(d, "timeout");
        return d.compareTo(Duration.ofNanos(LONGEST_NANOS)) >= 0 ? LONGEST_NANOS : d.toNanos();
    }

    /** The deadline {@code d} from now, in {@link System#nanoTime()} terms. */
    public static long deadline(Duration d) {
        return System.nanoTime() + nanos(d);
    }

    /**
     * Milliseconds left until {@code deadline} (from {@link #deadline}), rounded up, for the next
     * blocking call's timeout: at least 1, so it can never become "forever".
     *
     * @throws SocketTimeoutException if the deadline has passed; the message says {@code what}
     */
    public static int millisLeft(long deadline, String what) throws SocketTimeoutException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException(what);
        }
        return millis(Duration.ofNanos(left));
    }
}
