// fails: 3 | ping and wait again
// Pings once after a silent interval and gives up if that ping goes unanswered: allowedMisses is
// ignored, so one lost ping kills a live peer.
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
        try {
            return in.read(buffer);
        } catch (SocketTimeoutException quiet) {
            ping.send();
            return in.read(buffer); // a second timeout ends the read
        }
    }
}
