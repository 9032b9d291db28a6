package sockets.udp;

import java.io.IOException;
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
 * The CPU time of a UDP server, for the checker's last stage. The
 * server is found by its port: {@code /proc/net/udp} and {@code udp6} give the inode of every UDP
 * socket bound to that port, and every process with one of them open counts. That needs Linux,
 * the same network namespace, and processes this user may inspect; elsewhere, or for a server
 * inside the checker's own JVM (whose CPU the checker's own work would count),
 * {@link #find} says why it cannot measure. CPU is measured against a thread of the checker that
 * spins for the same stretch of time: a loaded machine slows both alike, so the ratio tells a
 * server that sleeps until a datagram comes (about 0) from one that spins (about 1).
 */
public final class ServerCpu {

    /** Clock ticks per second of {@code /proc/PID/stat}'s times: 100 on every Linux the course runs on. */
    private static final long TICK_NANOS = 10_000_000L;

    private ServerCpu() {
    }

    /** The server's processes, or why there are none to measure. */
    record Found(List<Long> pids, String whyNot) {

        /** CPU time used so far by all of them, in nanoseconds; -1 if one is gone. */
        long cpuNanos() {
            long total = 0;
            for (long pid : pids) {
                String[] f = stat(pid);
                if (f == null) {
                    return -1;
                }
                total += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime
            }
            return total * TICK_NANOS;
        }

        String what() {
            return pids.size() == 1 ? "process " + pids.getFirst() : "processes " + pids;
        }
    }

    /** One measurement: the server's CPU and the spinning thread's over the same stretch of wall time. */
    record Reading(long serverNanos, long spinnerNanos, long wallNanos) {
        /** Server CPU as a share of what a thread that never sleeps got meanwhile. */
        double ratio() {
            return spinnerNanos <= 0 ? 0 : (double) serverNanos / spinnerNanos;
        }

        String describe() {
            return "the server used " + serverNanos / 1_000_000 + " ms of CPU in " + wallNanos / 1_000_000 + " ms, a thread that spins "
                    + spinnerNanos / 1_000_000 + " ms";
        }
    }

    /** The processes that hold a UDP socket bound to {@code port}, or why they cannot be measured. */
    static Found find(int port) {
        Set<String> inodes = boundInodes(port);
        if (inodes == null) {
            return new Found(List.of(), "no /proc/net/udp here (not Linux?)");
        }
        if (inodes.isEmpty()) {
            return new Found(List.of(), "no UDP socket bound to port " + port + " is visible on this machine (another host, or another network"
                    + " namespace)");
        }
        List<Long> pids = holders(inodes);
        if (pids.contains(ProcessHandle.current().pid())) {
            return new Found(List.of(), "the server runs inside the checker's own JVM, whose CPU the checker's own work counts too");
        }
        if (pids.isEmpty()) {
            return new Found(List.of(), "the process bound to port " + port + " belongs to another user");
        }
        return new Found(List.copyOf(pids), null);
    }

    /**
     * Measures {@code found}'s CPU while a thread of this JVM spins, until that thread has had
     * {@code spinnerTarget} of CPU (enough that a 10 ms clock tick is small beside it) or
     * {@code most} has passed.
     */
    static Reading measure(Found found, Duration spinnerTarget, Duration most) throws InterruptedException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        AtomicBoolean stop = new AtomicBoolean();
        Thread spinner = Thread.ofPlatform().daemon().name("cpu-yardstick").start(() -> {
            while (!stop.get()) {
                // nothing but CPU: a volatile read each turn, so the loop cannot be optimized away
            }
        });
        try {
            long spinnerStart = Math.max(0, threads.getThreadCpuTime(spinner.threadId()));
            long serverStart = found.cpuNanos();
            long wallStart = System.nanoTime();
            long deadline = wallStart + most.toNanos();
            long spun;
            do {
                LockSupport.parkNanos(50_000_000L);
                spun = threads.getThreadCpuTime(spinner.threadId()) - spinnerStart;
            } while (spun < spinnerTarget.toNanos() && System.nanoTime() < deadline);
            long server = found.cpuNanos() - serverStart;
            long wall = System.nanoTime() - wallStart;
            spun = threads.getThreadCpuTime(spinner.threadId()) - spinnerStart;
            return new Reading(server, spun, wall);
        } finally {
            stop.set(true);
            spinner.join(1000);
        }
    }

    /** Inodes of the UDP sockets bound to {@code port} (any address, IPv4 or IPv6); null without /proc/net/udp. */
    static Set<String> boundInodes(int port) {
        Set<String> inodes = new HashSet<>();
        boolean readAny = false;
        for (String file : List.of("/proc/net/udp", "/proc/net/udp6")) {
            String text;
            try {
                // Not Files.readString: it trusts the size /proc reports, and reads too little.
                try (var in = Files.newInputStream(Path.of(file))) {
                    text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
                }
                readAny = true;
            } catch (IOException | RuntimeException e) {
                continue;
            }
            for (String line : text.split("\n")) {
                String[] f = line.strip().split("\\s+");
                if (f.length < 10 || !f[0].endsWith(":")) {
                    continue; // the heading
                }
                try {
                    if (Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16) == port) {
                        inodes.add(f[9]);
                    }
                } catch (RuntimeException malformed) {
                    // not a socket line
                }
            }
        }
        return readAny ? inodes : null;
    }

    /** The processes that have one of {@code inodes} open; bounded: at most 100,000 descriptors looked at. */
    private static List<Long> holders(Set<String> inodes) {
        Set<String> links = new HashSet<>();
        for (String inode : inodes) {
            links.add("socket:[" + inode + "]");
        }
        List<Long> pids = new ArrayList<>();
        int looked = 0;
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("[0-9]+"))) {
            for (Path process : processes) {
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
                    for (Path fd : fds) {
                        if (++looked > 100_000) {
                            return pids;
                        }
                        if (links.contains(Files.readSymbolicLink(fd).toString())) {
                            pids.add(Long.parseLong(process.getFileName().toString()));
                            break;
                        }
                    }
                } catch (IOException | RuntimeException notOurs) {
                    // another user's process, or one that just ended
                }
            }
        } catch (IOException e) {
            return pids;
        }
        return pids;
    }

    /** The fields of {@code /proc/PID/stat} after the command name, or null if the process is gone. */
    private static String[] stat(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            // The command name (field 2) is in parentheses and may hold spaces: count from after it.
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
