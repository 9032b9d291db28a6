package sockets.raw;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import sockets.cli.CommandLine;
import sockets.cli.Programs;

/**
 * A network link in a box: two network namespaces, the client's and the server's, each with one
 * TUN interface ({@link Tun}), and this program between them. It reads every IPv4 packet one side
 * sends and writes it into the other side after the link's delay, or drops, duplicates or reorders
 * it, by the seeded rule of {@link LinkSchedule}, at the link's MTU and rate ({@link LinkConfig}).
 * This is how Mahimahi's link shells work; it is needed here because the kernel's own emulator
 * ({@code netem}) is not always there.
 *
 * <pre>
 *   client namespace                        this JVM                          server namespace
 *   198.18.0.1/30 on tunA  --packets-->  [ delay, loss, rate ... ]  --packets-->  tunB 198.18.0.2/30
 * </pre>
 *
 * <p>The addresses are from 198.18.0.0/15, the range RFC 2544 sets aside for benchmarks, and exist
 * only inside the two namespaces. Code runs on a side either as a process
 * ({@code ip netns exec NAME ...}, what {@link #main} does with {@code --server} and
 * {@code --client}) or in this JVM on a thread that has entered the namespace ({@link #call}):
 * a socket belongs to the namespace of the thread that created it, and keeps it, whichever thread
 * uses it afterwards. Needs root on Linux. {@link #close()} (and a shutdown hook, and the next run
 * for a run that crashed) removes the namespaces, and with them the interfaces.
 */
public final class Link implements AutoCloseable {

    /** Every namespace this class makes is named {@code javalink-PID-N-client} or {@code ...-server}. */
    public static final String PREFIX = "javalink-";
    public static final Inet4Address CLIENT_ADDRESS = address(198, 18, 0, 1);
    public static final Inet4Address SERVER_ADDRESS = address(198, 18, 0, 2);

    /** The two ends of the link. */
    public enum Side { CLIENT, SERVER }

    private static final AtomicLong RUNS = new AtomicLong();
    private static final Duration COMMAND_BOUND = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(50);

    private final LinkConfig config;
    private final String clientNamespace;
    private final String serverNamespace;
    private final List<String> created = new CopyOnWriteArrayList<>();
    private final List<Tun> tuns = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    private final LinkSchedule toServer;
    private final LinkSchedule toClient;
    private final Thread hook;
    private volatile boolean closed;
    private volatile Tap tap;
    private volatile java.util.function.Predicate<byte[]> dropToServer;
    private volatile java.util.function.Predicate<byte[]> dropToClient;

    /**
     * Sees every IPv4 packet the link reads from either side, in the order that side sent them,
     * with what the link did to it: a capture taken on the link itself, which (unlike one taken at
     * either end) knows which packets were lost. Called on the forwarding thread: keep it short.
     */
    @FunctionalInterface
    public interface Tap {
        /** {@code copies}: 0 for a packet the link dropped, 1 for one it delivers, 2 for a duplicate. */
        void carried(Side from, byte[] packet, int copies);
    }

    private Link(LinkConfig config) {
        this.config = config;
        String run = PREFIX + ProcessHandle.current().pid() + "-" + RUNS.incrementAndGet();
        this.clientNamespace = run + "-client";
        this.serverNamespace = run + "-server";
        this.toServer = new LinkSchedule(config, config.seed());
        this.toClient = new LinkSchedule(config, ~config.seed()); // the other direction's own draws
        this.hook = new Thread(this::close, "link-teardown");
    }

    private static Inet4Address address(int a, int b, int c, int d) {
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    // tag::missing[]
    /** Null when this machine and process can make a link; otherwise one line saying what is missing. */
    public static String missing() {
        String os = System.getProperty("os.name", "");
        if (!os.startsWith("Linux")) {
            return "the link needs Linux (network namespaces and TUN devices); this is " + os;
        }
        if (!isRoot()) {
            return "the link needs root (network namespaces need CAP_SYS_ADMIN, TUN devices CAP_NET_ADMIN): run it with sudo";
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            return "the link needs /dev/net/tun (load the tun module: modprobe tun)";
        }
        if (ipCommand() == null) {
            return "the link needs the ip command (package iproute2)";
        }
        return null;
    }
    // end::missing[]

    private static boolean isRoot() {
        try {
            return (int) LibC.GETEUID.invokeExact() == 0;
        } catch (Throwable e) {
            return false;
        }
    }

    private static String ipCommand() {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        for (String dir : dirs) {
            Path ip = Path.of(dir.isEmpty() ? "." : dir, "ip");
            if (Files.isExecutable(ip)) {
                return ip.toString();
            }
        }
        return null;
    }

    // tag::open[]
    /**
     * Makes the two namespaces and their interfaces and starts forwarding; close it to remove them.
     *
     * @throws IOException saying what is missing ({@link #missing()}) or which step failed
     */
    public static Link open(LinkConfig config) throws IOException {
        String missing = missing();
        if (missing != null) {
            throw new IOException(missing);
        }
        cleanLeftovers();
        Link link = new Link(config);
        Runtime.getRuntime().addShutdownHook(link.hook);
        try {
            link.side(link.clientNamespace, CLIENT_ADDRESS);
            link.side(link.serverNamespace, SERVER_ADDRESS);
            link.forward(link.tuns.get(0), link.tuns.get(1), link.toServer, Side.CLIENT);
            link.forward(link.tuns.get(1), link.tuns.get(0), link.toClient, Side.SERVER);
            return link;
        } catch (IOException | RuntimeException e) {
            link.close();
            throw e;
        }
    }

    /** One end: a namespace, a TUN interface made here and moved into it, its address, MTU, lo up. */
    private void side(String namespace, Inet4Address address) throws IOException {
        ip("netns", "add", namespace);
        created.add(namespace);
        Tun tun = Tun.open("");
        tuns.add(tun);
        ip("link", "set", tun.name(), "netns", namespace);
        ip("-n", namespace, "link", "set", "lo", "up");
        ip("-n", namespace, "link", "set", tun.name(), "mtu", String.valueOf(config.mtu()), "up");
        ip("-n", namespace, "addr", "add", address.getHostAddress() + "/30", "dev", tun.name());
    }
    // end::open[]

    /** A packet held until it is due, then written into the other side. */
    private record Held(byte[] packet, long due, long order) implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(due - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            Held o = (Held) other;
            return due != o.due ? Long.compare(due, o.due) : Long.compare(order, o.order);
        }
    }

    // tag::forward[]
    /** Two threads per direction: one reads and decides, one writes each packet when it is due. */
    private void forward(Tun from, Tun to, LinkSchedule schedule, Side sender) {
        String name = sender == Side.CLIENT ? "to-server" : "to-client";
        DelayQueue<Held> held = new DelayQueue<>();
        AtomicLong order = new AtomicLong();
        threads.add(Thread.ofPlatform().daemon().name("link-" + name + "-reader").start(() -> {
            byte[] buffer = new byte[65_536];
            try {
                while (!closed) {
                    int n = from.read(buffer, POLL);
                    if (n == 0 || (buffer[0] >> 4) != 4) {
                        continue; // nothing came, or not IPv4 (the link carries IPv4 only)
                    }
                    long now = System.nanoTime();
                    byte[] packet = java.util.Arrays.copyOf(buffer, n);
                    var rule = sender == Side.CLIENT ? dropToServer : dropToClient;
                    if (rule != null && rule.test(packet)) {
                        schedule.dropNext(1); // this very packet: decide() comes next, on this thread
                    }
                    long[] deliveries = schedule.decide(n, now);
                    Tap watching = tap;
                    if (watching != null) {
                        watching.carried(sender, packet, deliveries.length);
                    }
                    for (long due : deliveries) {
                        held.add(new Held(packet, due, order.getAndIncrement()));
                    }
                }
            } catch (IOException | IllegalStateException e) {
                // the device is gone: the link is closing
            }
        }));
        threads.add(Thread.ofPlatform().daemon().name("link-" + name + "-writer").start(() -> {
            try {
                while (!closed) {
                    Held next = held.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
                    if (next != null) {
                        to.write(next.packet(), next.packet().length);
                    }
                }
            } catch (IOException | IllegalStateException | InterruptedException e) {
                // closing
            }
        }));
    }
    // end::forward[]

    public LinkConfig config() {
        return config;
    }

    public String namespace(Side side) {
        return side == Side.CLIENT ? clientNamespace : serverNamespace;
    }

    public Inet4Address address(Side side) {
        return side == Side.CLIENT ? CLIENT_ADDRESS : SERVER_ADDRESS;
    }

    /** What the link did so far to the packets going from {@code from} to the other side. */
    public LinkSchedule.Stats stats(Side from) {
        return (from == Side.CLIENT ? toServer : toClient).stats();
    }

    /** While cut, the link drops every packet both ways: the peer seems to vanish, with no FIN or RST. */
    public void cut(boolean cutOff) {
        toServer.cut(cutOff);
        toClient.cut(cutOff);
    }

    /** Loses the next {@code n} packets going from {@code from}: one lost segment, placed on purpose. */
    public void dropNext(Side from, int n) {
        (from == Side.CLIENT ? toServer : toClient).dropNext(n);
    }

    /** Shows every packet from now on to {@code tap} (null: to nobody); see {@link Tap}. */
    public void tap(Tap tap) {
        this.tap = tap;
    }

    /**
     * Loses every packet from {@code from} that {@code rule} picks (null: none), on top of the seeded
     * draws: a loss placed by what a packet is, such as "the 3rd data segment", so that a picture of
     * it is the same on every run. The rule sees the IPv4 packets in the order they were sent, on
     * one thread, so it may count them.
     */
    public void dropWhen(Side from, java.util.function.Predicate<byte[]> rule) {
        if (from == Side.CLIENT) {
            dropToServer = rule;
        } else {
            dropToClient = rule;
        }
    }

    // tag::call[]
    /**
     * Runs {@code task} on a new platform thread inside {@code side}'s namespace. Sockets the task
     * creates belong to that namespace for good, so they may be handed to any thread afterwards.
     */
    public <T> Future<T> submit(Side side, Callable<T> task) {
        String namespace = namespace(side);
        FutureTask<T> future = new FutureTask<>(() -> {
            enter(namespace);
            return task.call();
        });
        Thread.ofPlatform().daemon().name("in-" + namespace).start(future);
        return future;
    }
    // end::call[]

    /** {@link #submit}, waiting for the result; the task's own exception is rethrown as it is. */
    public <T> T call(Side side, Callable<T> task) throws Exception {
        try {
            return submit(side, task).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** Moves the calling (platform) thread into the named network namespace: {@code setns(2)}. */
    private static void enter(String namespace) throws IOException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = LibC.newCallState(call);
            int fd = (int) LibC.OPEN.invokeExact(state, call.allocateFrom("/run/netns/" + namespace),
                    LibC.O_RDONLY | LibC.O_CLOEXEC);
            if (fd < 0) {
                throw RawSocketException.of("open(/run/netns/" + namespace + ")", LibC.errno(state));
            }
            int rc = (int) LibC.SETNS.invokeExact(state, fd, LibC.CLONE_NEWNET);
            int errno = LibC.errno(state);
            int ignored = (int) LibC.CLOSE.invokeExact(state, fd);
            if (rc != 0) {
                throw RawSocketException.of("setns(" + namespace + ")", errno);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("calling the C library failed", e);
        }
    }

    /** Starts {@code sh -c command} inside {@code side}'s namespace, with LINK_CLIENT and LINK_SERVER set. */
    public ProcessBuilder process(Side side, String command) {
        ProcessBuilder builder = new ProcessBuilder(ipCommand(), "netns", "exec", namespace(side), "sh", "-c", command);
        builder.environment().put("LINK_CLIENT", CLIENT_ADDRESS.getHostAddress());
        builder.environment().put("LINK_SERVER", SERVER_ADDRESS.getHostAddress());
        return builder;
    }

    /** Starts a process ({@link #process}); it is ended, with everything it started, when the link closes. */
    public Process start(ProcessBuilder builder) throws IOException {
        Process p = builder.start();
        processes.add(p);
        return p;
    }

    // tag::teardown[]
    /** Stops forwarding, ends the processes started here, removes the interfaces and namespaces. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Thread t : threads) {
            try {
                t.join(2_000); // each wait in the loops is bounded by POLL
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        tuns.forEach(Tun::close);
        for (String namespace : created) {
            try {
                ip("netns", "delete", namespace);
            } catch (IOException e) {
                System.err.println("link: could not remove namespace " + namespace + ": " + e.getMessage());
            }
        }
        if (Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs (or ran) already; this close did the work
            }
        }
    }
    // end::teardown[]

    /** The namespaces named with {@link #PREFIX} that exist now. */
    public static List<String> namespaces() throws IOException {
        List<String> names = new ArrayList<>();
        for (String line : ip("netns", "list").split("\n")) {
            String name = line.strip().split("\\s+")[0];
            if (name.startsWith(PREFIX)) {
                names.add(name);
            }
        }
        return names;
    }

    /** Removes the namespaces left by runs whose process has ended (crashed, killed); returns how many. */
    public static int cleanLeftovers() throws IOException {
        int removed = 0;
        for (String name : namespaces()) {
            String[] parts = name.substring(PREFIX.length()).split("-");
            long pid;
            try {
                pid = Long.parseLong(parts[0]);
            } catch (NumberFormatException e) {
                continue;
            }
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                continue; // a run that is still going
            }
            ip("netns", "delete", name);
            removed++;
        }
        return removed;
    }

    /** Runs {@code ip ARGS...}, bounded in time; returns its output, or throws with its error. */
    static String ip(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ipCommand());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
        try {
            if (!p.waitFor(COMMAND_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException("ip " + String.join(" ", args) + " did not finish in " + COMMAND_BOUND.toSeconds() + " s");
            }
            String text = output.get(COMMAND_BOUND.toMillis(), TimeUnit.MILLISECONDS);
            if (p.exitValue() != 0) {
                throw new IOException("ip " + String.join(" ", args) + " failed: " + text.strip());
            }
            return text;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while running ip", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("cannot read the output of ip " + String.join(" ", args), e);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The command: Link [link options] --server 'CMD' --client 'CMD'

    private static final String USAGE = """
            usage: Link [--link SPEC] [--mtu N] [--delay D] [--jitter D] [--loss P] [--duplicate P]
                        [--reorder P] [--rate R] [--queue N] [--seed N] [--time SECONDS]
                        [--server 'COMMAND'] --client 'COMMAND'
              runs COMMAND in a network namespace of its own for each side, joined by a link that
              delays, drops, duplicates and reorders packets by a seeded rule; the server side is
              198.18.0.2 ($LINK_SERVER), the client side 198.18.0.1 ($LINK_CLIENT)
              --link SPEC       all at once: mtu=1500,delay=25ms,loss=1%,... (the options below win)
              --mtu N           largest packet in bytes (default 1500)
              --delay D         one-way delay, e.g. 25ms (default 0)
              --jitter D        up to this much more delay per packet (default 0)
              --loss P          share of packets lost, e.g. 1% (default 0)
              --duplicate P     share of packets delivered twice (default 0)
              --reorder P       share of packets that skip the delay and overtake (default 0)
              --rate R          e.g. 10mbit (default 0: unlimited)
              --queue N         packets waiting for the rate before drops (default 1000)
              --seed N          seed of the rule (default: a new one, printed)
              --time SECONDS    stop everything after this long (default 120)
              --server CMD      started first; the client starts once it prints a line with "listening"
              --client CMD      its exit status is this command's
            needs root on Linux, /dev/net/tun and ip (iproute2)""";

    public static void main(String[] args) {
        Programs.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        LinkConfig config;
        String server;
        String client;
        Duration time;
        Set<String> settings = Set.of("mtu", "delay", "jitter", "loss", "duplicate", "reorder", "rate", "queue", "seed");
        try {
            Set<String> options = new java.util.HashSet<>(settings);
            options.addAll(Set.of("link", "server", "client", "time"));
            CommandLine line = new CommandLine(args, options, Set.of(), false);
            if (line.help()) {
                out.println(USAGE);
                return 0;
            }
            try {
                String spec = line.string("link", "");
                config = LinkConfig.parse(spec);
                if (!spec.contains("seed=") && line.string("seed", null) == null) {
                    config = config.with("seed", String.valueOf(new java.util.Random().nextInt(1_000_000)));
                }
                for (String setting : settings) {
                    String value = line.string(setting, null);
                    if (value != null) {
                        config = config.with(setting, value);
                    }
                }
            } catch (IllegalArgumentException e) {
                throw new CommandLine.UsageException(e.getMessage());
            }
            server = line.string("server", null);
            client = line.string("client", null);
            if (client == null) {
                throw new CommandLine.UsageException("--client is needed: the command whose end ends the run");
            }
            time = line.seconds("time", Duration.ofSeconds(120));
        } catch (CommandLine.UsageException e) {
            return Programs.usageError("Link", e, USAGE, err);
        }
        String missing = missing();
        if (missing != null) {
            err.println("Link: " + missing);
            return Programs.EXIT_FAILURE;
        }
        long deadline = System.nanoTime() + time.toNanos();
        try (Link link = open(config)) {
            err.println("link: " + config + " (repeat a run with --seed " + config.seed() + ")");
            err.println("link: client " + CLIENT_ADDRESS.getHostAddress() + " in " + link.clientNamespace
                    + ", server " + SERVER_ADDRESS.getHostAddress() + " in " + link.serverNamespace);
            if (server != null && !link.startServer(server, deadline, out, err)) {
                return Programs.EXIT_FAILURE;
            }
            Process c = link.start(link.process(Side.CLIENT, client).inheritIO());
            long left = deadline - System.nanoTime();
            if (!c.waitFor(Math.max(1, left), TimeUnit.NANOSECONDS)) {
                err.println("Link: the client did not finish within " + time.toSeconds() + " s; stopping everything");
                return Programs.EXIT_FAILURE;
            }
            err.println("link: client to server: " + link.stats(Side.CLIENT));
            err.println("link: server to client: " + link.stats(Side.SERVER));
            return c.exitValue();
        } catch (IOException e) {
            err.println("Link: " + e.getMessage());
            return Programs.EXIT_FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Programs.EXIT_FAILURE;
        }
    }

    /** Starts the server and waits for its {@code listening} line, copying its output to {@code out}. */
    private boolean startServer(String command, long deadline, PrintStream out, PrintStream err)
            throws IOException, InterruptedException {
        Process s = start(process(Side.SERVER, command).redirectError(ProcessBuilder.Redirect.INHERIT));
        CompletableFuture<Boolean> listening = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("link-server-output").start(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    out.println("server: " + line);
                    out.flush();
                    if (line.contains("listening")) {
                        listening.complete(true);
                    }
                }
            } catch (IOException e) {
                // the server's output closed
            }
            listening.complete(false);
        });
        try {
            if (listening.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                return true;
            }
            err.println("Link: the server ended (status " + s.waitFor() + ") before it printed a line with 'listening'");
        } catch (TimeoutException e) {
            err.println("Link: the server printed no line with 'listening' in time");
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        }
        return false;
    }
}
