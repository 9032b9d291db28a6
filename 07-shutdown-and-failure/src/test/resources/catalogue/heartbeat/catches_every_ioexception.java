// fails: 7 | catch that one alone
// Catches IOException, not SocketTimeoutException, around the read: a connection reset is counted as a
// silent interval, pinged, and reported as a dead-peer timeout instead of the reset it was.
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
    private Thread pinging;

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
            try {
                return in.read(buffer);
            } catch (IOException quiet) { // the mistake: a reset is not silence
                if (misses == allowedMisses) {
                    throw new SocketTimeoutException("no answer to " + misses + " pings: the peer is dead");
                }
                if (pinging == null || !pinging.isAlive()) {
                    pinging = Thread.ofVirtual().start(() -> {
                        try {
                            ping.send();
                        } catch (IOException e) {
                            // the next silent interval counts it as a miss
                        }
                    });
                }
            }
        }
    }
}
