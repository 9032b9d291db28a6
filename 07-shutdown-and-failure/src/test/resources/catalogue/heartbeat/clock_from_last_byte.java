// fails: 5 | counts from the start of each read
// Declares the peer dead (allowedMisses + 1) intervals after the last byte received, kept in a field:
// the caller's time between two reads counts against the peer, so a read after a pause gives up unpinged.
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
    private long lastHeard = System.nanoTime(); // the mistake: set when data comes, not when a read starts

    public Heartbeat(Socket socket, Duration interval, int allowedMisses, Ping ping) {
        this.socket = socket;
        this.interval = interval;
        this.allowedMisses = allowedMisses;
        this.ping = ping;
    }

    public int read(byte[] buffer) throws IOException {
        socket.setSoTimeout((int) Math.max(1, interval.toMillis()));
        InputStream in = socket.getInputStream();
        long allowance = (allowedMisses + 1) * interval.toNanos();
        while (true) {
            try {
                int n = in.read(buffer);
                lastHeard = System.nanoTime();
                return n;
            } catch (SocketTimeoutException quiet) {
                if (System.nanoTime() - lastHeard >= allowance) {
                    throw new SocketTimeoutException("nothing heard for " + (allowedMisses + 1) + " intervals: the peer is dead");
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
