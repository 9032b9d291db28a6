package sockets.failure.exercises;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import sockets.exercise.NotWrittenYet;
import sockets.failure.Heartbeat.Ping;

/**
 * EXERCISE heartbeat (07-shutdown-and-failure/run exercise heartbeat): tell a quiet peer from a
 * dead one. A read on a connection whose peer vanished without a FIN or a reset waits for ever
 * (D-06); a heartbeat waits one {@code interval} at a time, pings after each silent one, and gives
 * up after {@code allowedMisses} silent intervals in a row.
 *
 * <p>The stages, in order: data that is there is returned at once; a peer that answers the first
 * ping is alive; a peer that answers only the second ping is still alive; a dead peer is declared
 * dead ({@link java.net.SocketTimeoutException}) after exactly {@code allowedMisses} pings, also
 * with an interval under 1 ms; every read gets its own allowance, counted from its start; a ping
 * whose write blocks (a full send buffer) neither stops the clock nor is joined by a second one;
 * and a reset reaches the caller as the {@link java.net.SocketException} it is, at once.
 */
public final class Heartbeat {

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

    /** Like {@code InputStream.read(byte[])}, but fails with SocketTimeoutException once the peer is declared dead. */
    public int read(byte[] buffer) throws IOException {
        throw new NotWrittenYet("Heartbeat.read");
    }
}
