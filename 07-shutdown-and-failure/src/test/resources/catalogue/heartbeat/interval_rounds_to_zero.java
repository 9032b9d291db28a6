// fails: 4 | never down to 0
// Sets SO_TIMEOUT to (int) interval.toMillis(): an interval under 1 ms becomes 0, which is "wait for
// ever", so the heartbeat never pings and a dead peer is never declared dead.
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
        socket.setSoTimeout((int) interval.toMillis()); // the mistake: under 1 ms this is 0, "for ever"
        InputStream in = socket.getInputStream();
        for (int misses = 0; ; misses++) {
            try {
                return in.read(buffer);
            } catch (SocketTimeoutException quiet) {
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
