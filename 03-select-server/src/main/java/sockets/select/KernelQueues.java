package sockets.select;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * The kernel's queues of one loopback connection, as {@code /proc/net/tcp} and {@code tcp6} show
 * them: for the server's end and the client's, the bytes not yet read ({@code rx}) and not yet
 * sent or acknowledged ({@code tx}). They tell, without timing, whether the server has read what a
 * client sent, and how much echo waits in the kernel: what a server holds beyond that, it keeps
 * itself. Only sockets of this machine and network namespace are there.
 */
final class KernelQueues {

    record End(int state, long tx, long rx) {
    }

    record Pair(End server, End client) {
        /** The server has read everything the client sent: nothing waits at either end on its way to the server. */
        boolean readAll() {
            return server.rx() == 0 && client.tx() == 0;
        }

        /** Echo in the kernel: the server's send queue and the client's receive queue. */
        long echoHeld() {
            return server.tx() + client.rx();
        }
    }

    private static final int TIME_WAIT = 0x06;
    private static final int LISTEN = 0x0A;
    /** CLOSE_WAIT, LAST_ACK, CLOSING, CLOSE: the client's FIN has reached the server's end. */
    private static final Set<Integer> FIN_ARRIVED = Set.of(0x07, 0x08, 0x09, 0x0B);

    private KernelQueues() {
    }

    /** Both ends of the connection between {@code serverPort} and {@code clientPort} (an end is null if not found); null without /proc. */
    static Pair read(int serverPort, int clientPort) {
        End server = null;
        End client = null;
        // Every line of this connection, at either end, names the client's port: the others (thousands, on a busy machine) are skipped unsplit.
        String clientHex = String.format(":%04X ", clientPort);
        for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            String text;
            // Not Files.readString: it trusts the size /proc reports, and reads too little.
            try (InputStream in = Files.newInputStream(Path.of(file))) {
                text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            } catch (IOException | RuntimeException e) {
                return null;
            }
            for (String line : text.split("\n")) {
                if (!line.contains(clientHex)) {
                    continue;
                }
                String[] f = line.strip().split("\\s+");
                if (f.length < 5 || !f[0].endsWith(":") || !f[4].contains(":")) {
                    continue; // the heading
                }
                try {
                    int local = Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16);
                    int remote = Integer.parseInt(f[2].substring(f[2].lastIndexOf(':') + 1), 16);
                    int state = Integer.parseInt(f[3], 16);
                    if (state == TIME_WAIT || state == LISTEN) {
                        continue;
                    }
                    String[] queues = f[4].split(":");
                    End end = new End(state, Long.parseLong(queues[0], 16), Long.parseLong(queues[1], 16));
                    if (local == serverPort && remote == clientPort) {
                        server = end;
                    } else if (local == clientPort && remote == serverPort) {
                        client = end;
                    }
                } catch (RuntimeException e) {
                    // a line of another shape: not ours
                }
            }
        }
        return new Pair(server, client);
    }

    /** Until the server has read all the client sent, or nothing has changed for {@code stall}; the last reading. */
    static Pair awaitRead(int serverPort, int clientPort, Duration stall) {
        return await(serverPort, clientPort, stall, Pair::readAll);
    }

    /** Until the server has read the client's FIN (its end past ESTABLISHED, nothing unread), or nothing has changed for {@code stall}. */
    static Pair awaitEnd(int serverPort, int clientPort, Duration stall) {
        return await(serverPort, clientPort, stall, p -> FIN_ARRIVED.contains(p.server().state()) && p.server().rx() == 0);
    }

    /** Until {@code done} holds, or nothing has changed for {@code stall}; the last reading, null if /proc cannot be read. */
    static Pair await(int serverPort, int clientPort, Duration stall, Predicate<Pair> done) {
        Pair last = null;
        long since = System.nanoTime();
        // Bounded: every reading that changes restarts the clock, and the queues change only as bytes move.
        for (int polls = 0; polls < 100_000; polls++) {
            Pair p = read(serverPort, clientPort);
            if (p == null || p.server() == null || p.client() == null || done.test(p)) {
                return p; // a socket gone (closed) counts as done: the caller looks
            }
            if (!p.equals(last)) {
                last = p;
                since = System.nanoTime();
            } else if (System.nanoTime() - since > stall.toNanos()) {
                return p;
            }
            LockSupport.parkNanos(200_000);
        }
        return last;
    }
}
