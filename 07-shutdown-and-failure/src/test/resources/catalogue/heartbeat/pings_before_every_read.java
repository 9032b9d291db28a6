// fails: 1 | only speaks when the line is quiet
// Pings before every read, "to be safe": a busy connection carries a ping per read, and the peer
// must answer pings it never needed.
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

    public int read(byte[] buffer) throws IOException {
        socket.setSoTimeout((int) Math.max(1, interval.toMillis()));
        InputStream in = socket.getInputStream();
        for (int misses = 0; ; misses++) {
            ping.send();
            try {
                return in.read(buffer);
            } catch (SocketTimeoutException quiet) {
                if (misses == allowedMisses) {
                    throw new SocketTimeoutException("the peer is dead");
                }
            }
        }
    }
}
