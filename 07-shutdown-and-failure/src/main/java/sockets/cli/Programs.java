package sockets.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;

/**
 * The wiring every program of the course shares, so that each lesson's files hold only what the
 * lesson teaches: exit statuses, usage errors, and for a server the bind, the {@code listening on}
 * line, the stop on Ctrl-C or {@code kill}. Like {@link CommandLine}, the same file is in every
 * lesson, byte for byte, and the build checks that the copies agree.
 */
public final class Programs {

    /** An expected failure at run time: connection refused, unknown host, port in use ... */
    public static final int EXIT_FAILURE = 1;
    /** A bad command line, as most Unix tools use. */
    public static final int EXIT_USAGE = 2;

    /** What a lesson's server offers to {@link #serve}. */
    public interface Server extends AutoCloseable {
        InetSocketAddress localAddress();

        /** Serves until {@link #close()}; throws only for a failure that ends the whole server. */
        void serve() throws IOException;

        /** Stops accepting and disconnects everyone; {@link #serve()} then returns. */
        @Override
        void close();

        boolean awaitStopped(Duration timeout) throws InterruptedException;
    }

    public interface Binder {
        Server bind(InetSocketAddress address) throws IOException;
    }

    private Programs() {
    }

    /** Ends the process with {@code status}, as {@code main} does with what {@code run} returned. */
    public static void exit(int status) {
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Prints what is wrong with the command line, then the usage; returns the exit status. */
    public static int usageError(String program, CommandLine.UsageException e, String usage, PrintStream err) {
        err.println(program + ": " + e.getMessage());
        err.println(usage);
        return EXIT_USAGE;
    }

    /** For a program without options, such as a lesson's Demo: answers --help, refuses the rest. */
    public static void noOptions(String program, String whatItDoes, String[] args) {
        String usage = "usage: " + program + "\n  " + whatItDoes;
        try {
            if (new CommandLine(args, Set.of(), Set.of(), false).help()) {
                System.out.println(usage);
                System.exit(0);
            }
        } catch (CommandLine.UsageException e) {
            System.exit(usageError(program, e, usage, System.err));
        }
    }

    /**
     * Does now, while file descriptors are plentiful, what a server would otherwise first do in
     * the middle of a shortage of them, where it would fail for good. Two things: the JDK's set-up
     * of virtual-thread socket I/O (done on the first blocking read or accept in a virtual thread;
     * if it fails, {@code ExceptionInInitializerError} in {@code sun.nio.ch.Poller}, no virtual
     * thread can do socket I/O again), and loading every class of {@code server}'s package (a class
     * file that cannot be opened makes {@code NoClassDefFoundError}, and the JVM remembers that at
     * every place that needed the class). Call it before serving.
     */
    public static void prepareForDescriptorShortage(Class<?> server) throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            probe.setSoTimeout(1);
            Thread waiting = Thread.ofVirtual().start(() -> {
                try {
                    probe.accept().close();
                } catch (IOException expected) {
                    // the timeout: by then the virtual thread has parked on the poller once
                }
            });
            waiting.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String pkg = server.getPackageName();
        try (var classes = Files.list(Path.of(server.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve(pkg.replace('.', '/')))) {
            for (Path file : classes.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = file.getFileName().toString();
                Class.forName(pkg + "." + name.substring(0, name.length() - 6), false, server.getClassLoader());
            }
        } catch (URISyntaxException | RuntimeException | ClassNotFoundException | IOException notFromADirectory) {
            // From a jar (kept open) or from source (classes in memory): loading needs no descriptor.
        }
    }

    /** {@code --host} (default 127.0.0.1) and {@code --port}: where a server listens. */
    public static InetSocketAddress listenAddress(CommandLine line, int defaultPort)
            throws CommandLine.UsageException {
        String host = line.string("host", "127.0.0.1");
        int port = line.number("port", defaultPort, 0, 65_535);
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new CommandLine.UsageException("--host: cannot resolve '" + host + "'");
        }
    }

    /**
     * Binds, prints {@code listening on HOST:PORT}, and serves until a signal stops the process
     * (exit 0, after printing {@code stopped}) or a fatal failure ends the server (exit 1).
     */
    public static int serve(String program, InetSocketAddress address, Binder binder, PrintStream out,
            PrintStream err) {
        Server server;
        try {
            server = binder.bind(address);
        } catch (IOException e) {
            err.println(program + ": cannot listen on " + hostPort(address) + ": " + e.getMessage()
                    + advice(address, e));
            return EXIT_FAILURE;
        }
        // Ctrl-C (SIGINT) and kill (SIGTERM) run shutdown hooks. Being stopped that way is how a
        // server is meant to end, so the hook stops it cleanly and makes the exit status 0.
        Thread hook = new Thread(() -> {
            server.close();
            try {
                server.awaitStopped(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.println("stopped");
            out.flush();
            Runtime.getRuntime().halt(0);
        }, program + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("listening on " + hostPort(server.localAddress()));
        try {
            server.serve();
            return 0;
        } catch (IOException e) {
            server.close();
            err.println(program + ": stopped after a failure: " + e.getMessage());
            return EXIT_FAILURE;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook); // else it would turn a failure's 1 into 0
            } catch (IllegalStateException stopping) {
                // the hook is already running because of a signal: it finishes the stop, status 0
            }
        }
    }

    private static String advice(InetSocketAddress address, IOException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("in use")) {
            return " (another program is using that port; pick another, or --port 0 for any free one)";
        } else if (message.contains("assign")) {
            return " (no interface of this machine has that address; try --host 127.0.0.1)";
        } else if (message.contains("ermission") && address.getPort() < 1024) {
            return " (ports below 1024 need root; pick one such as 5001)";
        }
        return "";
    }

    /** {@code 127.0.0.1:5001}, {@code [::1]:5001}: an address as a user would type it. */
    public static String hostPort(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return hostPort(inet.getAddress(), inet.getPort());
        } else if (address instanceof InetSocketAddress unresolved) {
            return unresolved.getHostString() + ":" + unresolved.getPort();
        }
        return String.valueOf(address);
    }

    public static String hostPort(InetAddress address, int port) {
        String text = address.getHostAddress();
        if (!(address instanceof Inet6Address)) {
            return text + ":" + port;
        }
        // Java writes ::1 as 0:0:0:0:0:0:0:1; RFC 5952 shortens the longest run of zero groups.
        int percent = text.indexOf('%');
        String scope = percent < 0 ? "" : text.substring(percent);
        String[] groups = (percent < 0 ? text : text.substring(0, percent)).split(":");
        int best = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; i++) {
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                best = i;
                bestLength = j - i;
            }
        }
        if (best >= 0) {
            text = String.join(":", Arrays.copyOfRange(groups, 0, best)) + "::"
                    + String.join(":", Arrays.copyOfRange(groups, best + bestLength, groups.length));
        }
        return "[" + (best >= 0 ? text : String.join(":", groups)) + scope + "]:" + port;
    }
}
