package sockets.failure;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;
import sockets.cli.Timeouts;

/**
 * Tells a quiet peer from a dead one. A blocking read on a connection whose peer vanished without
 * a FIN or RST (power cut, cable pulled, a firewall that dropped the state) waits for ever: TCP
 * only notices when it has something to send (D-06). So: wait for data one interval at a time;
 * after each silent interval, send a ping the peer's protocol answers; after
 * {@code allowedMisses + 1} silent intervals in a row (the first, plus one after each ping that
 * was allowed to go unanswered), declare the peer dead.
 * <p>
 * The ping is sent on its own virtual thread, never by the reading thread: when the peer is dead
 * with data in flight, the send buffer is full and a write blocks without end, which would stop
 * the very clock that is meant to declare the peer dead. While one ping is still blocked, no
 * second one is started. After {@link PeerDeadException}, close the socket: that also ends a ping
 * still blocked in its write. Because the ping may run while the caller writes, a ping must be one
 * {@code write} call (the socket's stream does not interleave the bytes of two calls).
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
    private Thread pinging; // the ping in flight, if any
    private volatile IOException pingFailure; // set by the ping's thread, thrown by the reader

    public Heartbeat(Socket socket, Duration interval, int allowedMisses, Ping ping) {
        this.socket = Objects.requireNonNull(socket, "socket");
        this.interval = Timeouts.require(interval, "interval");
        if (allowedMisses < 0) {
            throw new IllegalArgumentException("allowedMisses must be 0 or more, was " + allowedMisses);
        }
        this.allowedMisses = allowedMisses;
        this.ping = Objects.requireNonNull(ping, "ping");
    }

    // tag::read[]
    /**
     * Reads like {@link InputStream#read(byte[])}, but fails with {@link PeerDeadException} after
     * {@code (allowedMisses + 1) * interval} without a byte, having pinged after each silent
     * interval but the last; a ping that fails (the peer reset) fails the read at the next interval.
     */
    public int read(byte[] buffer) throws IOException {
        socket.setSoTimeout(Timeouts.millis(interval)); // under 1 ms: 1 ms, never 0 ("forever")
        InputStream in = socket.getInputStream();
        for (int misses = 0; ; misses++) {
            try {
                return in.read(buffer); // any byte, pong or data, means the peer is alive
            } catch (SocketTimeoutException quiet) {
                IOException failed = pingFailure;
                if (failed != null) {
                    throw failed;
                }
                boolean stuck = pinging != null && pinging.isAlive();
                if (misses == allowedMisses) {
                    throw new PeerDeadException("peer silent for " + (misses + 1) + " intervals of "
                            + interval.toMillis() + " ms, pings included: declared dead"
                            + (stuck ? " (a ping is still blocked: the send buffer is full)" : ""));
                }
                if (!stuck) { // the read goes on; a ping blocked by a full send buffer cannot stop it
                    pinging = Thread.ofVirtual().name("heartbeat-ping").start(this::sendPing);
                }
            }
        }
    }
    // end::read[]

    private void sendPing() {
        try {
            ping.send();
        } catch (IOException e) {
            pingFailure = e;
        }
    }
}
