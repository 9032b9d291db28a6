// fails: 6 | send each ping on a thread of its own
// Sends the ping on the reading thread: when the peer is gone with the send buffer full, the ping's
// write blocks, the clock stops with it, and a dead peer is never declared dead.
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
                try {
                    ping.send(); // the mistake: a write that blocks stops the clock that should declare the peer dead
                } catch (IOException e) {
                    // the next silent interval counts it as a miss
                }
            }
        }
    }
}
