package sockets.failure;

import java.io.IOException;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.time.Duration;
import jdk.net.ExtendedSocketOptions;
import sockets.cli.Timeouts;

/**
 * TCP keepalive, the kernel's heartbeat: after {@code idle} without traffic the kernel sends an
 * empty probe; after {@code count} unanswered probes {@code interval} apart it gives up, and the
 * next read fails ("Connection timed out"). The defaults on Linux are 2 hours, 75 s and 9 probes,
 * which is why keepalive alone rarely saves an application; set them per socket.
 */
public final class Keepalive {

    private Keepalive() {
    }

    /** Linux's longest TCP_KEEPIDLE and TCP_KEEPINTVL, in seconds. */
    static final int LONGEST_SECONDS = 32_767;

    // tag::enable[]
    public static void enable(Socket socket, Duration idle, Duration interval, int count) throws IOException {
        if (count < 1 || count > 127) {
            throw new IllegalArgumentException("count must be from 1 to 127 (Linux's range), was " + count);
        }
        socket.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        // jdk.net.ExtendedSocketOptions: supported on Linux and macOS, in whole seconds.
        socket.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, seconds(idle, "idle"));
        socket.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, seconds(interval, "interval"));
        socket.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, count);
    }

    /**
     * {@code d} in whole seconds as the kernel takes them: rounded up (under a second is 1, never
     * 0, which the kernel refuses), at most {@link #LONGEST_SECONDS}; zero or negative is refused.
     */
    static int seconds(Duration d, String what) {
        Timeouts.require(d, what);
        if (d.compareTo(Duration.ofSeconds(LONGEST_SECONDS)) >= 0) {
            return LONGEST_SECONDS;
        }
        long whole = d.toSeconds();
        return (int) (d.minusSeconds(whole).isZero() ? whole : whole + 1);
    }
    // end::enable[]

    /** The longest a dead peer can go unnoticed on an idle connection with these settings (as set). */
    public static Duration worstCaseDetection(Duration idle, Duration interval, int count) {
        return Duration.ofSeconds(seconds(idle, "idle")).plus(Duration.ofSeconds(seconds(interval, "interval")).multipliedBy(count));
    }
}
