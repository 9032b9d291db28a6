package sockets.udp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The little argument parsing this lesson's programs need: {@code --name value} options,
 * {@code --help}, and plain words. A bad argument becomes a {@link UsageException} whose
 * message is one line a user can act on; the program prints it with its usage and exits 2.
 */
final class CommandLine {

    /** Exit status for a bad command line, as most Unix tools use. */
    static final int EXIT_USAGE = 2;
    /** Exit status for an expected failure at run time (refused, unknown host ...). */
    static final int EXIT_FAILURE = 1;

    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message, null, false, false);
        }
    }

    private final Map<String, String> values = new HashMap<>();
    private final Set<String> flags = new HashSet<>();
    private final List<String> words = new ArrayList<>();
    private final boolean help;

    private CommandLine(boolean help) {
        this.help = help;
    }

    /**
     * @param options the {@code --name} options that take a value
     * @param wordsAllowed whether plain words (not starting with {@code --}) are accepted
     */
    static CommandLine parse(String[] args, Set<String> options, boolean wordsAllowed) throws UsageException {
        return parse(args, options, Set.of(), wordsAllowed);
    }

    /** @param flags the {@code --name} options that take no value: present or absent */
    static CommandLine parse(String[] args, Set<String> options, Set<String> flags, boolean wordsAllowed)
            throws UsageException {
        boolean help = false;
        for (String arg : args) {
            help |= arg.equals("--help") || arg.equals("-h");
        }
        CommandLine line = new CommandLine(help);
        if (help) {
            return line;
        }
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                if (!wordsAllowed && i + 1 < args.length) {
                    throw new UsageException("unexpected argument '" + args[i + 1] + "'");
                }
                line.words.addAll(List.of(args).subList(i + 1, args.length));
                break;
            }
            if (arg.startsWith("--")) {
                String name = arg.substring(2);
                String value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (flags.contains(name)) {
                    if (value != null) {
                        throw new UsageException("--" + name + " takes no value");
                    }
                    line.flags.add(name);
                    continue;
                }
                if (!options.contains(name)) {
                    throw new UsageException("unknown option --" + name);
                }
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new UsageException("--" + name + " needs a value");
                    }
                    value = args[++i];
                }
                line.values.put(name, value);
            } else if (wordsAllowed) {
                line.words.add(arg);
            } else {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
        }
        return line;
    }

    boolean help() {
        return help;
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    List<String> words() {
        return words;
    }

    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int port(String name, int fallback) throws UsageException {
        String raw = values.get(name);
        if (raw == null) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(raw);
            if (port >= 0 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException notANumber) {
            // reported below, with the value the user typed
        }
        throw new UsageException("--" + name + " must be a number from 0 to 65535, not '" + raw + "'");
    }

    int size(String name, int fallback, int most) throws UsageException {
        String raw = values.get(name);
        if (raw == null) {
            return fallback;
        }
        try {
            int size = Integer.parseInt(raw);
            if (size >= 1 && size <= most) {
                return size;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new UsageException("--" + name + " must be a number of bytes from 1 to " + most + ", not '" + raw + "'");
    }

    int count(String name, int fallback, int most) throws UsageException {
        String raw = values.get(name);
        if (raw == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(raw);
            if (n >= 0 && n <= most) {
                return n;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new UsageException("--" + name + " must be a whole number from 0 to " + most + ", not '" + raw + "'");
    }

    Duration seconds(String name, Duration fallback) throws UsageException {
        String raw = values.get(name);
        if (raw == null) {
            return fallback;
        }
        try {
            double seconds = Double.parseDouble(raw);
            if (seconds > 0 && seconds <= 86_400) {
                return Duration.ofMillis(Math.max(1, Math.round(seconds * 1000)));
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new UsageException("--" + name + " must be a number of seconds above 0, not '" + raw + "'");
    }
}
