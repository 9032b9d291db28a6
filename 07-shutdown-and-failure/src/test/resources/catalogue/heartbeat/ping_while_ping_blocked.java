// fails: 6 | start no other
// Pings on its own thread, but starts a new ping after every silent interval even while the last one
// is still blocked in its write: the pings pile up, and their bytes can interleave.
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
                pinging = Thread.ofVirtual().start(() -> { // the mistake: a new ping even while the last one is still blocked
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
