package sockets.cli;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Arguments of every program in the course: {@code --name value} or {@code --name=value}, flags,
 * plain words, {@code --help}. A bad argument throws a {@link UsageException} whose message is one
 * line a user can act on. The same file, byte for byte, is in every lesson; the build checks it.
 */
public final class CommandLine {
    public static final class UsageException extends Exception {
        public UsageException(String message) { super(message, null, false, false); }
    }

    private final Map<String, String> values = new HashMap<>();
    private final LinkedList<String> words = new LinkedList<>();
    private final boolean help;

    /** {@code options} take a value, {@code flags} take none; {@code wordsAllowed}: may plain words appear. */
    public CommandLine(String[] args, Set<String> options, Set<String> flags, boolean wordsAllowed)
            throws UsageException {
        LinkedList<String> rest = new LinkedList<>(List.of(args));
        help = rest.contains("--help") || rest.contains("-h");
        while (!help && !rest.isEmpty()) {
            String arg = rest.removeFirst();
            int eq = arg.indexOf('=');
            String name = arg.startsWith("--") ? arg.substring(2, eq < 0 ? arg.length() : eq) : "";
            if (arg.equals("--") || !arg.startsWith("--")) {
                words.addAll(arg.equals("--") ? List.copyOf(rest) : List.of(arg));
                rest = arg.equals("--") ? new LinkedList<>() : rest;
            } else if (!options.contains(name) && !flags.contains(name)) {
                throw new UsageException("unknown option --" + name);
            } else if (flags.contains(name) ? eq >= 0 : eq < 0 && rest.isEmpty()) {
                throw new UsageException("--" + name + (eq >= 0 ? " takes no value" : " needs a value"));
            } else {
                values.put(name, flags.contains(name) ? "" : eq >= 0 ? arg.substring(eq + 1) : rest.removeFirst());
            }
            if (!wordsAllowed && !words.isEmpty()) {
                throw new UsageException("unexpected argument '" + words.getFirst() + "'");
            }
        }
    }

    public boolean help() { return help; }
    public boolean flag(String name) { return values.containsKey(name); }
    public List<String> words() { return List.copyOf(words); }
    public String string(String name, String fallback) { return values.getOrDefault(name, fallback); }

    /** The option read by {@code parse} and checked by {@code valid}; {@code fallback} when absent. */
    public <T> T option(String name, T fallback, Function<String, T> parse, Predicate<T> valid, String expected)
            throws UsageException {
        String raw = values.get(name);
        T value = null;
        try {
            value = raw == null ? fallback : parse.apply(raw);
        } catch (RuntimeException unreadable) { // reported below, with what the user typed
        }
        if (raw != null && (value == null || !valid.test(value))) {
            throw new UsageException("--" + name + " must be " + expected + ", not '" + raw + "'");
        }
        return value;
    }

    public int number(String name, int fallback, int min, int max) throws UsageException {
        return option(name, fallback, Integer::parseInt, n -> n >= min && n <= max,
                "a whole number from " + min + " to " + max);
    }

    public Duration seconds(String name, Duration fallback) throws UsageException {
        return option(name, fallback, s -> Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000)),
                d -> d.toMillis() > 0 && d.toSeconds() <= 86_400, "a number of seconds from 0.001 to 86400");
    }
}
