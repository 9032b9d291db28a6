package sockets.docs;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A server's log that a picture can wait on: "the server has logged a line containing X". */
public final class WatchedLog extends PrintStream {

    private final List<String> lines = new ArrayList<>();

    public WatchedLog() {
        super(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void println(String line) {
        lines.add(line);
        notifyAll();
    }

    @Override
    public void println(Object line) {
        println(String.valueOf(line));
    }

    /** Waits (5 s at most) for a line containing {@code text}, and returns it. */
    public synchronized String await(String text) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            for (String line : lines) {
                if (line.contains(text)) {
                    return line;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException("the server never logged '" + text + "'; it logged " + lines);
            }
            wait(left / 1_000_000 + 1);
        }
    }
}
