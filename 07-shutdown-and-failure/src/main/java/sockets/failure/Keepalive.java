package sockets.failure;

import java.io.IOException;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.time.Duration;
import jdk.net.ExtendedSocketOptions;

/**
 * TCP keepalive, the kernel's heartbeat: after {@code idle} without traffic the kernel sends an
 * empty probe; after {@code count} unanswered probes {@code interval} apart it gives up, and the
 * next read fails ("Connection timed out"). The defaults on Linux are 2 hours, 75 s and 9 probes,
 * which is why keepalive alone rarely saves an application; set them per socket.
 */
public final class Keepalive {

    private Keepalive() {
    }

    // tag::enable[]
    public static void enable(Socket socket, Duration idle, Duration interval, int count) throws IOException {
        socket.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        // jdk.net.ExtendedSocketOptions: supported on Linux and macOS, in whole seconds.
        socket.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, Math.toIntExact(idle.toSeconds()));
        socket.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, Math.toIntExact(interval.toSeconds()));
        socket.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, count);
    }
    // end::enable[]

    /** The longest a dead peer can go unnoticed on an idle connection with these settings. */
    public static Duration worstCaseDetection(Duration idle, Duration interval, int count) {
        return idle.plus(interval.multipliedBy(count));
    }
}
