package sockets.docs;

import sockets.raw.Capture;
import sockets.raw.Sequence;

/**
 * One picture of the wire: a scenario that runs a lesson's real code on loopback while a
 * {@link Capture} records it, and the {@link Sequence} it draws. {@code name} is what a README's
 * marker says ({@code <!-- wire: 01/reply-in-two-segments -->}); {@code about} is one line for the
 * terminal view.
 */
public record WireScenario(String name, String about, Body body) {

    /** Runs the scenario while {@code capture} records, and returns its picture. */
    @FunctionalInterface
    public interface Body {
        Sequence run(Capture capture) throws Exception;
    }

    /** The lesson this picture belongs to: "01" for "01/handshake-and-close". */
    public String lesson() {
        return name.substring(0, name.indexOf('/'));
    }

    /**
     * Names the two ends of every TCP or UDP packet to or from {@code serverPort}: {@code S} for
     * that port, {@code C} for the other end. Anything else is left out of the picture.
     */
    public static Sequence.Naming clientAndServer(int serverPort) {
        return p -> p.sourcePort() == serverPort ? new String[] {"S", "C"}
                : p.destinationPort() == serverPort ? new String[] {"C", "S"} : null;
    }
}
