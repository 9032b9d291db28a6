package sockets.threaded;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Deliberately wrong: the seed's {@code client_list.py} mistakes, ported so the tests and the demo
 * can show them. The fixes are in {@link ClientListServer} and {@link ClientListClient}.
 */
public final class NaiveClientList {

    private NaiveClientList() {
    }

    // tag::one-read[]
    /** Deliberately wrong (T-06, BUG-40): takes one read of 1,024 bytes as the whole answer. */
    public static String readAnswer(InputStream in) throws IOException {
        byte[] buffer = new byte[1024];
        int n = in.read(buffer);
        return n == -1 ? "" : new String(buffer, 0, n, StandardCharsets.UTF_8);
    }
    // end::one-read[]

    /** Deliberately wrong (BUG-38): takes one read as the whole name. */
    public static String readName(InputStream in) throws IOException {
        byte[] buffer = new byte[1024];
        int n = in.read(buffer);
        return n == -1 ? "" : new String(Arrays.copyOf(buffer, n), StandardCharsets.UTF_8).strip();
    }

    /** Called between entries while a map is written out, so a test can act at that exact moment. */
    @FunctionalInterface
    public interface BetweenEntries {
        void pause();
    }

    // tag::live-map[]
    /**
     * Deliberately wrong (BUG-41): writes the live, shared map while other handler threads may
     * change it. With a {@code HashMap}, an insert during the iteration makes it throw
     * {@code ConcurrentModificationException} (or worse, silently lose updates).
     */
    public static String toJson(Map<String, String> live, BetweenEntries hook) {
        StringBuilder json = new StringBuilder("{");
        for (Map.Entry<String, String> e : live.entrySet()) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append('"').append(e.getKey()).append("\":\"").append(e.getValue()).append('"');
            hook.pause();
        }
        return json.append('}').toString();
    }
    // end::live-map[]

    // tag::run-not-start[]
    /** Deliberately wrong (T-01, BUG-24): calls run(), so the "handler thread" runs in the caller. */
    public static void dispatch(Runnable handler) {
        new Thread(handler).run(); // should be start()
    }
    // end::run-not-start[]
}
