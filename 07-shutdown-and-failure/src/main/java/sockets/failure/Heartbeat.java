package sockets.failure;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * Tells a quiet peer from a dead one. A blocking read on a connection whose peer vanished without
 * a FIN or RST (power cut, cable pulled, a firewall that dropped the state) waits for ever: TCP
 * only notices when it has something to send (D-06). So: wait for data one interval at a time;
 * after each silent interval, send a ping the peer's protocol answers; after {@code allowedMisses}
 * silent intervals in a row, declare the peer dead.
 */
public final class Heartbeat {

    /** What to send when the line has been quiet: a request the peer will answer. */
    @FunctionalInterface
    public interface Ping {
        void send() throws IOException;
    }

    /** The peer said nothing, not even to a ping, for the whole allowance. */
    public static final class PeerDeadException extends SocketTimeoutException {
        PeerDeadException(String message) {
            super(message);
        }
    }

    private final Socket socket;
    private final Duration interval;
    private final int allowedMisses;
    private final Ping ping;

    public Heartbeat(Socket socket, Duration interval, int allowedMisses, Ping ping) {
        this.socket = socket;
        this.interval = interval;
        this.allowedMisses = allowedMisses;
        this.ping = ping;
    }

    // tag::read[]
    /**
     * Reads like {@link InputStream#read(byte[])}, but fails with {@link PeerDeadException} after
     * {@code (allowedMisses + 1) * interval} without a byte, having pinged after each silent interval.
     */
    public int read(byte[] buffer) throws IOException {
        socket.setSoTimeout(Math.toIntExact(interval.toMillis()));
        InputStream in = socket.getInputStream();
        for (int misses = 0; ; misses++) {
            try {
                return in.read(buffer); // any byte, pong or data, means the peer is alive
            } catch (SocketTimeoutException quiet) {
                if (misses == allowedMisses) {
                    throw new PeerDeadException("peer silent for " + (misses + 1) + " intervals of "
                            + interval.toMillis() + " ms, pings included: declared dead");
                }
                ping.send(); // a live peer answers; the socket stays usable after a timeout
            }
        }
    }
    // end::read[]
}
