package sockets.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The wire checkers' {@code --link SPEC --server 'COMMAND'}: runs the same checker again across
 * lesson 06's link in a box, with the server started on the link's far side.
 *
 * <pre>01-blocking-echo/run Checker --link mtu=1500,delay=25ms,loss=1% --server '01-blocking-echo/run EchoServer'</pre>
 *
 * The server command gets {@code --host 198.18.0.2 --port PORT} added; the checker's other options
 * ({@code --seed}, {@code --stage}) go along. Needs root and lesson 06 beside this lesson. Like
 * {@link CommandLine}, the same file is in every lesson, byte for byte, and the build checks that.
 */
public final class AcrossTheLink {

    private AcrossTheLink() {
    }

    /** What the checker is asked to run across the link, or null when {@code args} has no {@code --link}. */
    record Request(String link, String server, int port, List<String> rest) {
    }

    /** Reads {@code --link} and {@code --server} out of the checker's arguments; null without {@code --link}. */
    static Request read(String[] args, int defaultPort) throws CommandLine.UsageException {
        String link = null;
        String server = null;
        int port = defaultPort;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg.startsWith("--") ? arg.substring(2).split("=", 2)[0] : "";
            boolean inline = arg.contains("=") && arg.startsWith("--");
            if (name.equals("link") || name.equals("server") || name.equals("port") || name.equals("host")) {
                String value = inline ? arg.substring(arg.indexOf('=') + 1) : i + 1 < args.length ? args[++i] : null;
                if (value == null) {
                    throw new CommandLine.UsageException("--" + name + " needs a value");
                }
                switch (name) {
                    case "link" -> link = value;
                    case "server" -> server = value;
                    case "port" -> port = port(value);
                    default -> { } // the host is the link's far side
                }
            } else if (!arg.startsWith("-") && arg.contains(":")) {
                port = port(arg.substring(arg.lastIndexOf(':') + 1)); // HOST:PORT: only the port is kept
            } else {
                rest.add(arg);
            }
        }
        if (link == null) {
            return null;
        }
        if (server == null) {
            throw new CommandLine.UsageException("--link needs --server 'COMMAND', the server to start on the link's far side");
        }
        return new Request(link, server, port, rest);
    }

    private static int port(String text) throws CommandLine.UsageException {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new CommandLine.UsageException("--port must be a whole number from 1 to 65535, not '" + text + "'");
    }

    /** The command that runs {@code program} (such as {@code 01-blocking-echo/run Checker}) across the link. */
    static List<String> command(Path root, String program, Request request) {
        StringBuilder client = new StringBuilder(quote(root.resolve(program.split(" ")[0]).toString()));
        for (String word : program.substring(program.indexOf(' ') + 1).split(" ")) {
            client.append(' ').append(quote(word));
        }
        client.append(" --host \"$LINK_SERVER\" --port ").append(request.port());
        for (String arg : request.rest()) {
            client.append(' ').append(quote(arg));
        }
        return List.of(root.resolve("06-raw-sockets/run").toString(), "Link", "--link", request.link(),
                "--server", request.server() + " --host \"$LINK_SERVER\" --port " + request.port(),
                "--client", client.toString());
    }

    private static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /**
     * Runs the checker across the link when {@code args} asks for it ({@code --link}), and returns
     * its exit status; returns -1 when it does not ask, and the caller checks as usual.
     */
    public static int runIfAsked(String program, String[] args, int defaultPort, PrintStream err) {
        Request request;
        try {
            request = read(args, defaultPort);
        } catch (CommandLine.UsageException e) {
            err.println(program + ": " + e.getMessage());
            return Programs.EXIT_USAGE;
        }
        if (request == null) {
            return -1;
        }
        Path root = repositoryRoot();
        if (!Files.isExecutable(root.resolve("06-raw-sockets/run"))) {
            err.println(program + ": --link needs lesson 06 of this course (06-raw-sockets/run) in " + root);
            return Programs.EXIT_FAILURE;
        }
        try {
            return new ProcessBuilder(command(root, program, request)).inheritIO().start().waitFor();
        } catch (IOException e) {
            err.println(program + ": cannot start the link: " + e.getMessage());
            return Programs.EXIT_FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Programs.EXIT_FAILURE;
        }
    }

    /** The course's folder: three up from a lesson's target/classes, or the current folder. */
    static Path repositoryRoot() {
        try {
            Path classes = Path.of(AcrossTheLink.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path root = classes.getParent().getParent().getParent();
            if (Files.isDirectory(root.resolve("06-raw-sockets"))) {
                return root;
            }
        } catch (URISyntaxException | RuntimeException notFromClasses) {
            // run from source or a jar: below
        }
        return Path.of("").toAbsolutePath();
    }
}
