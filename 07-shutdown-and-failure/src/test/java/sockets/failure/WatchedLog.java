package sockets.failure;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A server log that a test can wait on: {@link #await} returns once a line containing the text is in. */
final class WatchedLog extends PrintStream {

    private final StringBuilder text = new StringBuilder();

    WatchedLog() {
        super(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void println(String line) {
        text.append(line).append('\n');
        notifyAll();
    }

    /** Waits, at most {@code limit}, for {@code fragment} to appear; returns whether it did. */
    synchronized boolean await(String fragment, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (text.indexOf(fragment) < 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000)); // woken by println, not by the clock
        }
        return true;
    }

    @Override
    public synchronized String toString() {
        return text.toString();
    }
}
