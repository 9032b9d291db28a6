// fails: 2 | a silent interval is not death
// Sets one long timeout, (allowedMisses + 1) intervals, and never pings: a quiet peer that would
// answer a ping is declared dead.
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
        socket.setSoTimeout((int) interval.multipliedBy(allowedMisses + 1).toMillis());
        return socket.getInputStream().read(buffer);
    }
}
