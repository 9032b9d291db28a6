// passes
// Waits one interval at a time, pings after each silent one (on its own thread, so a ping stuck
// behind a full send buffer cannot stop the clock), and gives up after allowedMisses pings in a row.
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
