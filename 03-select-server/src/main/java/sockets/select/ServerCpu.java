package sockets.select;

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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * The CPU time a server uses, measured against a thread of the checker that spins for the same
 * stretch of time: a loaded machine slows both alike, so the ratio tells a server that sleeps
 * until something happens (almost 0) from one that spins (about 1), busy machine or not.
 *
 * <p>The server is found by its listening port: {@code /proc/net/tcp} and {@code tcp6} give the
 * listening socket's inode, and every process with that socket open counts (a forked server's
 * children too). That needs Linux, the same network namespace, and processes this user may
 * inspect; elsewhere {@link #find} says why it cannot measure. A server running inside the
 * checker's own JVM (an exercise's stages) is measured by its serving thread, registered with
 * {@link #register}: the JVM's own CPU would count the checker too.
 */
public final class ServerCpu {

    /** Clock ticks per second of {@code /proc/PID/stat}'s times: 100 on every Linux the course runs on. */
    private static final long TICK_NANOS = 10_000_000L;
    private static final Map<Integer, Thread> IN_THIS_JVM = new ConcurrentHashMap<>();

    private ServerCpu() {
    }

    /** Something whose CPU time can be read: a thread of this JVM, or processes on this machine. */
    interface Meter {
        /** CPU time used so far, in nanoseconds; -1 if it can no longer be read. */
        long nanos();

        String what();
    }

    /** What {@link #find} found: a meter, or why there is none. */
    record Found(Meter meter, String whyNot) {
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

    /**
     * For a server that serves on {@code thread} inside this JVM, listening on {@code port}: the
     * checker measures that thread. Unregister when it stops.
     */
    public static void register(int port, Thread thread) {
        IN_THIS_JVM.put(port, thread);
    }

    public static void unregister(int port) {
        IN_THIS_JVM.remove(port);
    }

    static Found find(int port) {
        Thread registered = IN_THIS_JVM.get(port);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (registered != null) {
            if (registered.isVirtual() || !threads.isThreadCpuTimeSupported()) {
                return new Found(null, "this JVM cannot measure the CPU of the thread that serves");
            }
            long id = registered.threadId();
            return new Found(new Meter() {
                @Override
                public long nanos() {
                    return threads.getThreadCpuTime(id);
                }

                @Override
                public String what() {
                    return "thread " + registered.getName();
                }
            }, null);
        }
        Set<String> inodes = listeningInodes(port);
        if (inodes == null) {
            return new Found(null, "no /proc/net/tcp here (not Linux?)");
        }
        if (inodes.isEmpty()) {
            return new Found(null, "no socket listening on port " + port + " is visible on this machine (another host, or another network namespace)");
        }
        List<Long> pids = holders(inodes);
        long self = ProcessHandle.current().pid();
        if (pids.contains(self)) {
            return new Found(null, "the server runs inside the checker's own JVM, which the checker's own threads keep busy");
        }
        if (pids.isEmpty()) {
            return new Found(null, "the process listening on port " + port + " belongs to another user");
        }
        return new Found(new Meter() {
            @Override
            public long nanos() {
                long total = 0;
                for (long pid : pids) {
                    long ticks = ticks(pid);
                    if (ticks < 0) {
                        return -1;
                    }
                    total += ticks;
                }
                return total * TICK_NANOS;
            }

            @Override
            public String what() {
                return "process" + (pids.size() == 1 ? " " : "es ") + pids;
            }
        }, null);
    }

    /**
     * Measures {@code meter} while a thread of this JVM spins, until that thread has had
     * {@code spinnerTarget} of CPU (enough that a 10 ms clock tick is small beside it) or
     * {@code most} has passed.
     */
    static Reading measure(Meter meter, Duration spinnerTarget, Duration most) throws InterruptedException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread spinner = Thread.ofPlatform().daemon().name("cpu-yardstick").start(() -> {
            while (!stop.get()) {
                // nothing but CPU: a volatile read each turn, so the loop cannot be optimized away
            }
        });
        try {
            long spinnerStart = Math.max(0, threads.getThreadCpuTime(spinner.threadId()));
            long serverStart = meter.nanos();
            long wallStart = System.nanoTime();
            long deadline = wallStart + most.toNanos();
            long spun;
            do {
                LockSupport.parkNanos(50_000_000L);
                spun = threads.getThreadCpuTime(spinner.threadId()) - spinnerStart;
            } while (spun < spinnerTarget.toNanos() && System.nanoTime() < deadline);
            long server = meter.nanos() - serverStart;
            long wall = System.nanoTime() - wallStart;
            spun = threads.getThreadCpuTime(spinner.threadId()) - spinnerStart;
            return new Reading(server, spun, wall);
        } finally {
            stop.set(true);
            spinner.join(1000);
        }
    }

    /** Inodes of the sockets listening on {@code port} (any address, IPv4 or IPv6); null without /proc/net/tcp. */
    private static Set<String> listeningInodes(int port) {
        Set<String> inodes = new HashSet<>();
        boolean readAny = false;
        for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            String text;
            try {
                text = Files.readString(Path.of(file), StandardCharsets.US_ASCII);
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
                    int local = Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16);
                    if (local == port && Integer.parseInt(f[3], 16) == 0x0A) { // 0A: LISTEN
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

    /** utime + stime of {@code pid} in clock ticks, or -1 if it is gone. */
    private static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            // The command name (field 2) is in parentheses and may hold spaces: count from after it.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
