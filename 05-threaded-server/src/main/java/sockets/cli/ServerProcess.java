package sockets.cli;

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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * What a wire checker can see of a server on this machine through {@code /proc}: the processes
 * that hold its socket, with their CPU time, memory, open descriptors and zombie children. The
 * server is found by its port: {@code /proc/net/tcp} and {@code tcp6} (a listening socket) or
 * {@code udp} and {@code udp6} (a bound one) give the socket's inode, and every process with
 * {@code socket:[INODE]} among its {@code /proc/PID/fd} links holds it (a forked server's children
 * too, while they keep their copy). That needs Linux, the same network namespace and processes
 * this user may inspect; elsewhere {@link Found#whyNot} says why nothing can be seen, and the
 * checker checks only what goes over the wire. A server inside the checker's own JVM is refused,
 * since the checker's own threads and sockets would count too, unless the exercise registered the
 * thread that serves ({@link #register}): then that thread's CPU is what is measured.
 *
 * <p>CPU is measured against a thread of the checker that spins for the same stretch of time: a
 * loaded machine slows both alike, so the ratio tells a server that sleeps until something happens
 * (about 0) from one that spins (about 1), busy machine or not.
 */
public final class ServerProcess {

    /** Clock ticks per second of {@code /proc/PID/stat}'s times: 100 on every Linux the course runs on. */
    private static final long TICK_NANOS = 10_000_000L;
    /** TCP's LISTEN in {@code /proc/net/tcp}'s state column. */
    private static final int LISTEN = 0x0A;
    /** At most this many descriptors looked at when finding the holders: bounded on a machine with many processes. */
    private static final int MOST_DESCRIPTORS = 200_000;
    private static final Map<Integer, Thread> IN_THIS_JVM = new ConcurrentHashMap<>();

    private final List<Long> pids;
    private final Thread thread;

    private ServerProcess(List<Long> pids, Thread thread) {
        this.pids = pids;
        this.thread = thread;
    }

    /** What {@link #find} found: the server, or why there is none to look at. */
    public record Found(ServerProcess process, String whyNot) {
    }

    /** The server's CPU and the spinning thread's over the same stretch of wall time. */
    public record Cpu(long serverNanos, long spinnerNanos, long wallNanos) {
        /** Server CPU as a share of what a thread that never sleeps got meanwhile. */
        public double ratio() {
            return spinnerNanos <= 0 ? 0 : (double) serverNanos / spinnerNanos;
        }

        public String describe() {
            return "the server used " + serverNanos / 1_000_000 + " ms of CPU in " + wallNanos / 1_000_000 + " ms, a thread that spins "
                    + spinnerNanos / 1_000_000 + " ms";
        }
    }

    /**
     * For a server that serves on {@code thread} inside this JVM, listening on {@code port} (an
     * exercise's stages): {@link #find} measures that thread. Unregister when it stops.
     */
    public static void register(int port, Thread thread) {
        IN_THIS_JVM.put(port, thread);
    }

    public static void unregister(int port) {
        IN_THIS_JVM.remove(port);
    }

    /** The server listening on TCP {@code port} (or the thread registered for it), or why it cannot be seen. */
    public static Found find(int port) {
        Thread registered = IN_THIS_JVM.get(port);
        if (registered != null) {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            return registered.isVirtual() || !threads.isThreadCpuTimeSupported()
                    ? new Found(null, "this JVM cannot measure the CPU of the thread that serves")
                    : new Found(new ServerProcess(List.of(), registered), null);
        }
        return find(port, "/proc/net/tcp", "socket listening on", "process listening on");
    }

    /** The server whose UDP socket is bound to {@code port}, or why it cannot be seen. */
    public static Found findUdp(int port) {
        return find(port, "/proc/net/udp", "UDP socket bound to", "process bound to");
    }

    private static Found find(int port, String table, String socket, String holder) {
        Set<String> inodes = new HashSet<>();
        boolean readAny = false;
        for (String file : List.of(table, table + "6")) {
            String text = read(file);
            if (text != null) {
                readAny = true;
                inodes.addAll(table.endsWith("udp") ? bound(text, port) : listening(text, port));
            }
        }
        if (!readAny) {
            return new Found(null, "no " + table + " here (not Linux?)");
        }
        if (inodes.isEmpty()) {
            return new Found(null, "no " + socket + " port " + port + " is visible on this machine (another host, or another network namespace)");
        }
        List<Long> pids = holders(inodes);
        if (pids == null) {
            return new Found(null, "/proc cannot be listed here");
        }
        if (pids.contains(ProcessHandle.current().pid())) {
            return new Found(null, "the server runs inside the checker's own JVM, whose own threads and sockets would count too");
        }
        if (pids.isEmpty()) {
            return new Found(null, "the " + holder + " port " + port + " belongs to another user");
        }
        return new Found(new ServerProcess(List.copyOf(pids), null), null);
    }

    /** The inodes of the sockets in state LISTEN on {@code port} in one {@code /proc/net/tcp} table. */
    static Set<String> listening(String table, int port) {
        return inodes(table, port, true);
    }

    /** The inodes of the sockets bound to {@code port} in one {@code /proc/net/udp} table. */
    static Set<String> bound(String table, int port) {
        return inodes(table, port, false);
    }

    private static Set<String> inodes(String table, int port, boolean listening) {
        Set<String> inodes = new HashSet<>();
        for (String line : table.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 10 || !f[0].endsWith(":")) {
                continue; // the heading
            }
            try {
                int local = Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16);
                if (local == port && (!listening || Integer.parseInt(f[3], 16) == LISTEN)) {
                    inodes.add(f[9]);
                }
            } catch (RuntimeException malformed) {
                // not a socket line
            }
        }
        return inodes;
    }

    /** The processes that have one of {@code inodes} open; null if /proc cannot be listed. */
    private static List<Long> holders(Set<String> inodes) {
        Set<String> links = new HashSet<>();
        for (String inode : inodes) {
            links.add("socket:[" + inode + "]");
        }
        List<Long> pids = new ArrayList<>();
        int looked = 0;
        try (DirectoryStream<Path> processes = processes()) {
            for (Path process : processes) {
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
                    for (Path fd : fds) {
                        if (++looked > MOST_DESCRIPTORS) {
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
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return pids;
    }

    /** The server's processes (none for a registered thread). */
    public List<Long> pids() {
        return pids;
    }

    public String what() {
        return thread != null ? "thread " + thread.getName() : pids.size() == 1 ? "process " + pids.getFirst() : "processes " + pids;
    }

    /** User and system CPU time used so far, in nanoseconds; -1 if it can no longer be read (a process or the thread gone). */
    public long cpuNanos() {
        if (thread != null) {
            return ManagementFactory.getThreadMXBean().getThreadCpuTime(thread.threadId());
        }
        long ticks = 0;
        for (long pid : pids) {
            String stat = read("/proc/" + pid + "/stat");
            if (stat == null) {
                return -1;
            }
            try {
                // The command name (field 2) is in parentheses and may hold spaces: count from after it.
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
            } catch (RuntimeException malformed) {
                return -1;
            }
        }
        return ticks * TICK_NANOS;
    }

    /** Resident memory of the server's processes together (VmRSS), in bytes; -1 if one is gone (or a registered thread). */
    public long residentBytes() {
        if (pids.isEmpty()) {
            return -1;
        }
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

    /** Open descriptors and how many of them are sockets. */
    public record Descriptors(long all, long sockets) {
    }

    /**
     * The descriptors open in the server's processes together; a process that has ended counts
     * none (a forked server's child that held the listener when it was found), and null if none
     * could be read.
     */
    public Descriptors descriptors() {
        long all = 0;
        long sockets = 0;
        boolean any = false;
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
                any = true;
            } catch (IOException | RuntimeException gone) {
                // ended, or not ours to read
            }
        }
        return any ? new Descriptors(all, sockets) : null;
    }

    /**
     * The count of open descriptors once it is back within 2 of {@code before} (a server closes a
     * connection only after it reads the client's end of stream), or the last count after
     * {@code most}; -1 if none can be read.
     */
    public long settledDescriptors(long before, Duration most) {
        long deadline = System.nanoTime() + most.toNanos();
        long now = openDescriptors();
        while (now > before + 2 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(20_000_000L);
            now = openDescriptors();
        }
        return now;
    }

    /** {@link #descriptors()}' count of all, or -1. */
    public long openDescriptors() {
        Descriptors d = descriptors();
        return d == null ? -1 : d.all();
    }

    /** Zombie children a forking server may leave for a moment (one reaped at its next accept); one for each client is a server that never reaps. */
    public static final int FEW_ZOMBIES = 5;

    /**
     * Fails {@code s} unless fewer than {@link #FEW_ZOMBIES} of the server's children are left
     * exited and unreaped, allowing a second for the last ones to end and be reaped; {@code after}
     * says when, e.g. "its clients had gone".
     */
    public void expectFewZombies(Wire.Session s, String after) throws Wire.Failed {
        int zombies = settledZombies(FEW_ZOMBIES, Duration.ofSeconds(1));
        if (zombies > 0) {
            s.note("the server, " + what() + ", has " + zombies + " zombie children");
        }
        s.expect(zombies < FEW_ZOMBIES, "fewer than " + FEW_ZOMBIES + " of the server's children left as zombies once " + after,
                zombies + " zombie children of " + what() + ": exited, and never waited for (waitpid, or SIGCHLD set to"
                        + " SIG_IGN): one for each client that came and went, until fork() fails");
    }

    /**
     * {@link #zombies()} once children that have just ended have had up to {@code most} to be
     * reaped: the first count under {@code few}, or the last one.
     */
    public int settledZombies(int few, Duration most) {
        long deadline = System.nanoTime() + most.toNanos();
        int now = zombies();
        while (now >= few && System.nanoTime() < deadline) {
            LockSupport.parkNanos(50_000_000L);
            now = zombies();
        }
        return now;
    }

    /** How many children of the server's processes have exited and not been waited for (state Z). */
    public int zombies() {
        int count = 0;
        try (DirectoryStream<Path> processes = processes()) {
            for (Path process : processes) {
                String stat = read(process.resolve("stat").toString());
                try {
                    String[] f = stat.substring(stat.lastIndexOf(')') + 1).strip().split(" "); // after "PID (NAME)": state, parent
                    if (f[0].equals("Z") && pids.contains(Long.parseLong(f[1]))) {
                        count++;
                    }
                } catch (RuntimeException gone) {
                    // exited meanwhile (stat null), or malformed
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return count;
    }

    /**
     * Runs {@code during} while a thread of this JVM spins, and hands {@code reading} the server's
     * CPU against that thread's over the same stretch; {@code reading} is not called when the
     * server's CPU cannot be read at the start or the end (it is gone).
     */
    public <T> T measureCpu(Callable<T> during, Consumer<Cpu> reading) throws Exception {
        return spinning(spun -> during.call(), reading);
    }

    /**
     * The server's CPU while a thread of this JVM spins, until that thread has had
     * {@code spinnerTarget} of CPU (enough that a 10 ms clock tick is small beside it) or
     * {@code most} has passed; null if the server's CPU cannot be read (it is gone).
     */
    public Cpu measureCpu(Duration spinnerTarget, Duration most) throws InterruptedException {
        Cpu[] cpu = new Cpu[1];
        long deadline = System.nanoTime() + most.toNanos();
        try {
            spinning(spun -> {
                do {
                    LockSupport.parkNanos(50_000_000L);
                } while (spun.getAsLong() < spinnerTarget.toNanos() && System.nanoTime() < deadline);
                return null;
            }, r -> cpu[0] = r);
        } catch (InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception cannotHappen) {
            throw new IllegalStateException(cannotHappen);
        }
        return cpu[0];
    }

    private interface WhileSpinning<T> {
        T run(LongSupplier spun) throws Exception;
    }

    /** The one yardstick: every reading taken before the stretch and again before the spinner stops. */
    private <T> T spinning(WhileSpinning<T> during, Consumer<Cpu> reading) throws Exception {
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
            return during.run(() -> threads.getThreadCpuTime(spinner.threadId()) - spinnerStart);
        } finally {
            long spun = threads.getThreadCpuTime(spinner.threadId()) - spinnerStart;
            long server = cpuNanos();
            long wall = System.nanoTime() - wallStart;
            stop.set(true);
            spinner.join(1000);
            if (serverStart >= 0 && server >= 0) {
                reading.accept(new Cpu(server - serverStart, spun, wall));
            }
        }
    }

    private static DirectoryStream<Path> processes() throws IOException {
        return Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("[0-9]+"));
    }

    /** A whole {@code /proc} file, or null if it cannot be read. */
    static String read(String file) {
        // Not Files.readString: it trusts the size /proc reports, and reads too little.
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
