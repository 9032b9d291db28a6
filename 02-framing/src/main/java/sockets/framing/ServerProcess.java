package sockets.framing;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * What the checker can see of a server on this machine through {@code /proc}: the queues of one of
 * its connections, and the processes that listen on its port (a forked server's children too),
 * with their CPU time, descriptors and memory. That needs Linux, the same network namespace and
 * processes this user may inspect; {@link #find} says why not otherwise, and a server inside the
 * checker's own JVM (the lesson's tests) is not measured: the checker's threads share its process.
 */
final class ServerProcess {

    /** Clock ticks per second of {@code /proc/PID/stat}'s times: 100 on every Linux the course runs on. */
    private static final long TICK_NANOS = 10_000_000L;

    private final List<Long> pids;

    private ServerProcess(List<Long> pids) {
        this.pids = pids;
    }

    /** What {@link #find} found: the server's processes, or why there are none to measure. */
    record Found(ServerProcess process, String whyNot) {
    }

    /** The bytes queued in the kernel on one connection, at each end: not yet read by its program, not yet sent or acknowledged. */
    record Queues(long serverUnread, long serverUnsent, long clientUnread, long clientUnsent) {
        /** All of them: the bytes in flight between the two programs. */
        long total() {
            return serverUnread + serverUnsent + clientUnread + clientUnsent;
        }
    }

    static Found find(int port) {
        Set<String> inodes = new HashSet<>();
        String text = tcpTable();
        if (text == null) {
            return new Found(null, "no /proc/net/tcp here (not Linux?)");
        }
        for (String[] f : rows(text)) {
            if (f.length >= 10 && port(f[1]) == port && Integer.parseInt(f[3], 16) == 0x0A) { // 0A: LISTEN
                inodes.add("socket:[" + f[9] + "]");
            }
        }
        if (inodes.isEmpty()) {
            return new Found(null, "no socket listening on port " + port + " is visible here (another host, or another network namespace)");
        }
        List<Long> pids = new ArrayList<>();
        int looked = 0;
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("[0-9]+"))) {
            for (Path process : processes) {
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
                    for (Path fd : fds) {
                        if (++looked > 200_000) {
                            break;
                        }
                        if (inodes.contains(Files.readSymbolicLink(fd).toString())) {
                            pids.add(Long.parseLong(process.getFileName().toString()));
                            break;
                        }
                    }
                } catch (IOException | RuntimeException notOurs) {
                    // another user's process, or one that just ended
                }
            }
        } catch (IOException e) {
            return new Found(null, "/proc cannot be listed here");
        }
        if (pids.contains(ProcessHandle.current().pid())) {
            return new Found(null, "the server runs inside the checker's own JVM");
        }
        if (pids.isEmpty()) {
            return new Found(null, "the process listening on port " + port + " belongs to another user");
        }
        return new Found(new ServerProcess(List.copyOf(pids)), null);
    }

    String what() {
        return pids.size() == 1 ? "process " + pids.getFirst() : "processes " + pids;
    }

    /** User and system CPU time of the server's processes so far, in nanoseconds; -1 if one is gone. */
    long cpuNanos() {
        long ticks = 0;
        for (long pid : pids) {
            String stat = read("/proc/" + pid + "/stat");
            if (stat == null) {
                return -1;
            }
            // The command name (field 2) is in parentheses and may hold spaces: count from after it.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }
        return ticks * TICK_NANOS;
    }

    /** Open descriptors of the server's processes, and how many are sockets; null if one is gone. */
    long[] descriptors() {
        long all = 0;
        long sockets = 0;
        for (long pid : pids) {
            try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
                for (Path fd : fds) {
                    all++;
                    try {
                        sockets += Files.readSymbolicLink(fd).toString().startsWith("socket:") ? 1 : 0;
                    } catch (IOException closedMeanwhile) {
                        all--;
                    }
                }
            } catch (IOException | RuntimeException gone) {
                return null;
            }
        }
        return new long[] {all, sockets};
    }

    /** Resident memory of the server's processes (VmRSS), in bytes; -1 if one is gone. */
    long residentBytes() {
        long kib = 0;
        for (long pid : pids) {
            String status = read("/proc/" + pid + "/status");
            if (status == null) {
                return -1;
            }
            kib += status.lines().filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).sum();
        }
        return kib * 1024;
    }

    /** The server's CPU and a spinning thread's over the same stretch of wall time. */
    record Cpu(long serverNanos, long spinnerNanos, long wallNanos) {
        double ratio() {
            return spinnerNanos <= 0 ? 0 : (double) serverNanos / spinnerNanos;
        }

        String describe() {
            return "the server used " + serverNanos / 1_000_000 + " ms of CPU in " + wallNanos / 1_000_000 + " ms, a thread that spins "
                    + spinnerNanos / 1_000_000 + " ms";
        }
    }

    /**
     * Runs {@code during} while a thread of this JVM spins, and measures the server's CPU against
     * that thread's: a loaded machine slows both alike, so the ratio tells a server that sleeps
     * (about 0) from one that spins (about 1).
     */
    <T> T measureCpu(java.util.concurrent.Callable<T> during, java.util.function.Consumer<Cpu> reading) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        AtomicBoolean stop = new AtomicBoolean();
        Thread spinner = Thread.ofPlatform().daemon().name("cpu-yardstick").start(() -> {
            while (!stop.get()) {
                // nothing but CPU: a volatile read each turn, so the loop cannot be optimized away
            }
        });
        long spinnerStart = Math.max(0, threads.getThreadCpuTime(spinner.threadId()));
        long serverStart = cpuNanos();
        long wallStart = System.nanoTime();
        try {
            return during.call();
        } finally {
            long spun = threads.getThreadCpuTime(spinner.threadId()) - spinnerStart;
            long server = cpuNanos();
            stop.set(true);
            spinner.join(1000);
            if (serverStart >= 0 && server >= 0) {
                reading.accept(new Cpu(server - serverStart, spun, System.nanoTime() - wallStart));
            }
        }
    }

    /** The queues of the connection from {@code clientPort} to the server's {@code serverPort}; null if not visible. */
    static Queues queues(int serverPort, int clientPort) {
        String text = tcpTable();
        if (text == null) {
            return null;
        }
        long[] server = null;
        long[] client = null;
        for (String[] f : rows(text)) {
            int state = Integer.parseInt(f[3], 16);
            if (state == 0x06 || state == 0x0A) {
                continue; // TIME_WAIT, LISTEN
            }
            String[] q = f[4].split(":");
            long[] end = {Long.parseLong(q[0], 16), Long.parseLong(q[1], 16)}; // tx, rx
            if (port(f[1]) == serverPort && port(f[2]) == clientPort) {
                server = end;
            } else if (port(f[1]) == clientPort && port(f[2]) == serverPort) {
                client = end;
            }
        }
        return server == null || client == null ? null : new Queues(server[1], server[0], client[1], client[0]);
    }

    /**
     * Waits, at most {@code most}, until the server has read every byte the client at {@code clientPort}
     * sent; true if it has, false if not in time or not visible here.
     */
    static boolean awaitRead(int serverPort, int clientPort, Duration most) {
        long deadline = System.nanoTime() + most.toNanos();
        do {
            Queues q = queues(serverPort, clientPort);
            if (q == null) {
                return false;
            }
            if (q.serverUnread() == 0 && q.clientUnsent() == 0) {
                return true;
            }
            LockSupport.parkNanos(1_000_000);
        } while (System.nanoTime() < deadline);
        return false;
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1), 16);
    }

    private static List<String[]> rows(String text) {
        List<String[]> rows = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length >= 5 && f[0].endsWith(":") && f[4].contains(":") && f[1].contains(":")) {
                rows.add(f);
            }
        }
        return rows;
    }

    /** {@code /proc/net/tcp} and {@code tcp6} together; null if neither can be read. */
    private static String tcpTable() {
        String v4 = read("/proc/net/tcp");
        String v6 = read("/proc/net/tcp6");
        return v4 == null && v6 == null ? null : (v4 == null ? "" : v4) + "\n" + (v6 == null ? "" : v6);
    }

    private static String read(String file) {
        // Not Files.readString: it trusts the size /proc reports, and reads too little.
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
