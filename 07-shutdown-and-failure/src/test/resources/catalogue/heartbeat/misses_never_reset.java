// fails: 5 | misses count in a row
// Keeps the count of misses in a field that no read resets: a live peer that is quiet now and then
// is declared dead once its quiet spells add up.
package sockets.failure.exercises;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import sockets.failure.Heartbeat.Ping;

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

    private int misses;

    public int read(byte[] buffer) throws IOException {
        socket.setSoTimeout((int) Math.max(1, interval.toMillis()));
        InputStream in = socket.getInputStream();
        for (; ; misses++) {
            try {
                return in.read(buffer);
            } catch (SocketTimeoutException quiet) {
                if (misses == allowedMisses) {
                    throw new SocketTimeoutException("the peer is dead");
                }
                ping.send();
            }
        }
    }
}
