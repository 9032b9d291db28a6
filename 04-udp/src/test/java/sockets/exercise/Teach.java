package sockets.exercise;

import java.nio.charset.StandardCharsets;

/**
 * Failure messages that teach: what was sent, what came back, what was expected, why it matters
 * and where to read about it. Bytes are shown as hex (and as text where they are printable).
 */
public final class Teach {

    private static final int SHOWN = 48;

    private Teach() {
    }

    /** Fails the stage unless {@code ok}. */
    public static void check(boolean ok, String sent, String got, String expected, String why) {
        if (!ok) {
            throw failure(sent, got, expected, why);
        }
    }

    public static AssertionError failure(String sent, String got, String expected, String why) {
        return new AssertionError(String.join("\n",
                "sent:     " + sent,
                "got:      " + got,
                "expected: " + expected,
                "why:      " + why));
    }

    /** Up to 48 bytes as hex, with the count and the text if it is printable ASCII. */
    public static String hex(byte[] bytes) {
        if (bytes == null) {
            return "null";
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, SHOWN); i++) {
            s.append(i == 0 ? "" : " ").append(String.format("%02x", bytes[i] & 0xFF));
        }
        if (bytes.length > SHOWN) {
            s.append(" ...");
        }
        s.append(s.isEmpty() ? "(" : " (").append(bytes.length).append(bytes.length == 1 ? " byte" : " bytes");
        String text = new String(bytes, 0, Math.min(bytes.length, SHOWN), StandardCharsets.ISO_8859_1);
        if (!text.isEmpty() && text.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
            s.append(", \"").append(text).append(bytes.length > SHOWN ? "...\"" : "\"");
        }
        return s.append(')').toString();
    }

    /**
     * Where in the learner's code {@code e} was thrown, as " (at File.java:LINE)", or "" if it was
     * not thrown in an exercise stub (a class of a package named {@code exercises}, not a stage).
     */
    public static String where(Throwable e) {
        for (StackTraceElement frame : e.getStackTrace()) {
            String c = frame.getClassName();
            if (c.contains(".exercises.") && !c.endsWith("Stages") && !c.contains("Stages$") && frame.getFileName() != null) {
                return " (at " + frame.getFileName() + ":" + frame.getLineNumber() + ")";
            }
        }
        return "";
    }

    /** What an exception says, for the "got" line. */
    public static String thrown(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
