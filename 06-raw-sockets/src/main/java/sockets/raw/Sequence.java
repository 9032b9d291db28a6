package sockets.raw;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns captured frames into a sequence diagram: who sent what to whom, in order, with the TCP
 * flags and payload sizes a reader needs, and without the noise whose timing varies from run to
 * run. The rules, the same for a picture in a README and for the text {@code docs/capture} prints:
 *
 * <ul>
 * <li>every segment with SYN, FIN or RST, and every segment that carries data, is drawn;
 * <li>a retransmission (a segment whose bytes were all drawn before) is left out;
 * <li>a pure acknowledgement is left out, except the last step of the handshake, and an
 *     acknowledgement that closes the sender's window (window 0) or opens it again;
 * <li>labels say the flags and the size: {@code SYN}, {@code SYN, ACK}, {@code PSH 6 bytes},
 *     {@code FIN}, {@code RST}, {@code ACK, window 0}, {@code UDP 9,000 bytes}.
 * </ul>
 *
 * A capture taken on lesson 06's link also knows which frames the link lost: those are drawn as
 * lost ({@link #addLost}, a dotted arrow with a cross), and a segment that carries lost bytes again
 * is drawn as {@code retransmitted}; {@link #collapseRuns()} draws a run of equal segments as one
 * arrow ({@code 7 segments of 1,448 bytes}).
 *
 * Ports and sequence numbers are never drawn: who is who comes from a naming function.
 */
public final class Sequence {

    /** One line of a diagram: an arrow between two participants, or a note. */
    public sealed interface Step permits Arrow, Note {
    }

    /**
     * A frame from one participant to another; {@code reset} draws it with a cross, {@code lost}
     * (a frame the link dropped) dotted, with a cross.
     */
    public record Arrow(String from, String to, String label, boolean reset, boolean lost) implements Step {
        public Arrow(String from, String to, String label, boolean reset) {
            this(from, to, label, reset, false);
        }
    }

    /** What a program saw at this point (a read's result), written over one participant. */
    public record Note(String over, String text) implements Step {
    }

    /** The two ends of a frame, as participant ids, or null for a frame the picture leaves out. */
    public interface Naming extends Function<Capture.Packet, String[]> {
    }

    private final Naming naming;
    private final Map<String, String> participants = new LinkedHashMap<>();
    private final List<Step> steps = new ArrayList<>();
    private final Map<String, Flow> flows = new HashMap<>();
    private boolean mergeData;
    private boolean collapseRuns;

    /** What has been seen in one direction of one connection. */
    private static final class Flow {
        long end = -1;          // the sequence number after the last byte (or SYN, FIN) drawn
        boolean zeroWindow;     // its last acknowledgement closed the window
        boolean synSent;
        boolean handshakeAcked;
        /** Ranges skipped over: a segment captured after a later one (two CPUs sending), or missed. */
        final List<long[]> holes = new ArrayList<>();
        /** Ranges drawn as lost and not yet sent again. */
        final List<long[]> lost = new ArrayList<>();

        /** Whether [start, end) carries bytes drawn as lost; those count as sent again from now on. */
        boolean resends(long start, long end) {
            boolean any = false;
            for (int i = lost.size() - 1; i >= 0; i--) {
                long[] l = lost.get(i);
                if ((int) (start - l[1]) < 0 && (int) (end - l[0]) > 0) {
                    lost.remove(i);
                    any = true;
                }
            }
            return any;
        }

        /** Whether [start, end) lies in a hole, which it then fills: a late copy, not a retransmission. */
        boolean fillHole(long start, long end) {
            for (int i = 0; i < holes.size(); i++) {
                long[] h = holes.get(i);
                if ((int) (start - h[0]) >= 0 && (int) (h[1] - end) >= 0) {
                    holes.remove(i);
                    if ((int) (start - h[0]) > 0) {
                        holes.add(new long[] {h[0], start});
                    }
                    if ((int) (h[1] - end) > 0) {
                        holes.add(new long[] {end, h[1]});
                    }
                    return true;
                }
            }
            return false;
        }
    }

    public Sequence(Naming naming) {
        this.naming = naming;
    }

    /** Declares a participant, in the order they are to be drawn. */
    public Sequence participant(String id, String name) {
        participants.put(id, name);
        return this;
    }

    /**
     * Draws consecutive data segments in the same direction as one arrow with their total size
     * ({@code 12,000 bytes}): for bulk transfers, where how the kernel cuts the bytes into
     * segments depends on timing and the picture is about something else (a window closing).
     */
    public Sequence mergeData() {
        mergeData = true;
        return this;
    }

    /**
     * Draws a run of data segments of one size, one after another in one direction, as one arrow:
     * {@code 45 segments of 1,448 bytes}. A note in between does not end a run (the segments ran
     * on meanwhile); any other arrow does. For captures across a link, where a bulk transfer would
     * otherwise be dozens of identical arrows.
     */
    public Sequence collapseRuns() {
        collapseRuns = true;
        return this;
    }

    /**
     * Adds a frame the link dropped: drawn as lost (a TCP frame only if it carries data, SYN, FIN
     * or RST), and its bytes, when a later segment carries them, make that one a retransmission.
     * Returns the arrow drawn, or null.
     */
    public Arrow addLost(Capture.Packet p) {
        String[] ends = naming.apply(p);
        if (ends == null) {
            return null;
        }
        String label = p.tcp() ? tcpLabel(p) : otherLabel(p);
        if (label == null || label.equals("ACK")) {
            return null; // a lost acknowledgement: the next one says the same
        }
        long length = p.tcp() ? p.payloadLength() + (p.has(Capture.Packet.SYN) ? 1 : 0) + (p.has(Capture.Packet.FIN) ? 1 : 0) : 0;
        if (length > 0) { // bytes, or a SYN or FIN, that will be sent again
            flows.get(p.from() + ">" + p.to()).lost.add(new long[] {p.sequence(), (p.sequence() + length) & 0xFFFF_FFFFL});
        }
        Arrow arrow = new Arrow(ends[0], ends[1], "lost: " + label, false, true);
        steps.add(arrow);
        return arrow;
    }

    /** Adds every frame in order; see {@link #add(Capture.Packet)}. */
    public Sequence addAll(List<Capture.Packet> packets) {
        for (Capture.Packet p : packets) {
            add(p);
        }
        return this;
    }

    /** Adds one frame; returns the arrow it drew, or null if the rules leave it out. */
    public Arrow add(Capture.Packet p) {
        String[] ends = naming.apply(p);
        if (ends == null) {
            return null;
        }
        String label = p.tcp() ? tcpLabel(p) : otherLabel(p);
        if (label == null) {
            return null;
        }
        Arrow arrow = new Arrow(ends[0], ends[1], label, p.tcp() && p.has(Capture.Packet.RST));
        int last = lastArrow();
        if (mergeData && DATA_ONLY.matcher(label).matches()) {
            if (last >= 0 && steps.get(last) instanceof Arrow previous && previous.from().equals(arrow.from())
                    && previous.to().equals(arrow.to()) && DATA_ONLY.matcher(previous.label()).matches()) {
                Arrow merged = new Arrow(arrow.from(), arrow.to(), bytes(size(previous.label()) + p.payloadLength()), false);
                steps.set(last, merged);
                return merged;
            }
        }
        if (collapseRuns && DATA_ONLY.matcher(label).matches() && last >= 0 && steps.get(last) instanceof Arrow previous
                && previous.from().equals(arrow.from()) && previous.to().equals(arrow.to())) {
            java.util.regex.Matcher run = RUN.matcher(previous.label());
            boolean isRun = run.matches();
            if ((isRun || DATA_ONLY.matcher(previous.label()).matches())
                    && size(isRun ? run.group(2) : previous.label()) == p.payloadLength()) {
                long count = isRun ? Long.parseLong(run.group(1)) + 1 : 2;
                Arrow merged = new Arrow(arrow.from(), arrow.to(), count + " segments of " + bytes(p.payloadLength()), false);
                steps.set(last, merged);
                return merged;
            }
        }
        steps.add(arrow);
        return arrow;
    }

    /** Where the last arrow is among the steps (-1: none): a note after it says what a program saw meanwhile, and the bytes ran on. */
    private int lastArrow() {
        int last = steps.size() - 1;
        while (last >= 0 && steps.get(last) instanceof Note) {
            last--;
        }
        return last;
    }

    /** Adds a note over one participant at this point. */
    public Sequence note(String over, String text) {
        steps.add(new Note(over, text));
        return this;
    }

    public List<Step> steps() {
        return List.copyOf(steps);
    }

    /**
     * How many stretches of TCP data are missing from the capture: a segment that starts past the
     * last byte seen in its direction leaves a hole, which only a copy captured late (frames sent
     * on two CPUs at once) fills; a hole left means frames went by unrecorded.
     */
    public int missed() {
        return flows.values().stream().mapToInt(f -> f.holes.size()).sum();
    }

    private String tcpLabel(Capture.Packet p) {
        String key = p.from() + ">" + p.to();
        Flow flow = flows.computeIfAbsent(key, k -> new Flow());
        Flow reverse = flows.get(p.to() + ">" + p.from());
        boolean syn = p.has(Capture.Packet.SYN);
        boolean fin = p.has(Capture.Packet.FIN);
        boolean rst = p.has(Capture.Packet.RST);
        long length = p.payloadLength() + (syn ? 1 : 0) + (fin ? 1 : 0);
        boolean resent = false;

        if (length > 0) {
            long end = (p.sequence() + length) & 0xFFFF_FFFFL;
            if (flow.end >= 0 && !syn) {
                if ((int) (end - flow.end) <= 0) {
                    if (flow.resends(p.sequence(), end)) {
                        resent = true; // bytes the link lost, sent again
                    } else if (!flow.fillHole(p.sequence(), end)) {
                        return null; // a retransmission: every byte of it was drawn already
                    }
                } else {
                    if ((int) (p.sequence() - flow.end) > 0) {
                        flow.holes.add(new long[] {flow.end, p.sequence()}); // not seen (yet)
                    }
                    flow.end = end;
                }
            } else {
                flow.end = end;
            }
        }
        String window = null;
        if (p.has(Capture.Packet.ACK) && !rst) {
            boolean zero = p.window() == 0;
            if (zero != flow.zeroWindow) {
                window = zero ? "window 0" : "window opens";
            }
            flow.zeroWindow = zero;
        }

        List<String> parts = new ArrayList<>();
        if (resent) {
            parts.add("retransmitted");
        }
        if (syn) {
            flow.synSent = true;
            parts.add(p.has(Capture.Packet.ACK) ? "SYN, ACK" : "SYN");
        }
        if (rst) {
            parts.add("RST");
        }
        if (fin) {
            parts.add("FIN");
        }
        if (p.payloadLength() > 0) {
            parts.add((p.has(Capture.Packet.PSH) ? "PSH " : "") + bytes(p.payloadLength()));
        }
        if (parts.isEmpty()) { // a pure acknowledgement
            boolean handshake = flow.synSent && !flow.handshakeAcked && reverse != null && reverse.synSent;
            flow.handshakeAcked |= handshake;
            if (!handshake && window == null) {
                return null;
            }
            parts.add("ACK");
        } else if (flow.synSent && reverse != null && reverse.synSent) {
            flow.handshakeAcked = true; // data or FIN acknowledged the handshake: no pure ACK to draw later
        }
        if (window != null) {
            parts.add(window);
        }
        return resent ? "retransmitted: " + String.join(", ", parts.subList(1, parts.size()))
                : String.join(", ", parts);
    }

    private static String otherLabel(Capture.Packet p) {
        return switch (p.protocol()) {
            case "UDP" -> "UDP " + bytes(p.payloadLength());
            case "ICMP" -> "ICMP " + switch (p.icmpType()) {
                case Transport.Icmp.ECHO_REQUEST -> "echo request";
                case Transport.Icmp.ECHO_REPLY -> "echo reply";
                case 3 -> "unreachable";
                default -> "type " + p.icmpType();
            } + ", " + bytes(p.payloadLength());
            case "ETH" -> "frame 0x%04x, %s".formatted(p.ethertype(), bytes(p.frameLength()));
            default -> p.protocol() + " " + bytes(p.payloadLength());
        };
    }

    private static final java.util.regex.Pattern DATA_ONLY = java.util.regex.Pattern.compile("(PSH )?[\\d,]+ bytes?");
    private static final java.util.regex.Pattern RUN = java.util.regex.Pattern.compile("(\\d+) segments of ([\\d,]+) bytes");

    private static long size(String label) {
        return Long.parseLong(label.replaceAll("[^\\d]", ""));
    }

    /** "1 byte", "6 bytes", "9,000 bytes". */
    public static String bytes(long n) {
        return n == 1 ? "1 byte" : String.format(Locale.ROOT, "%,d bytes", n);
    }

    /** The diagram as Mermaid: a {@code sequenceDiagram} block body, without the fence. */
    public String mermaid() {
        StringBuilder out = new StringBuilder("sequenceDiagram\n");
        participants.forEach((id, name) -> out.append("    participant ").append(id).append(" as ").append(name).append('\n'));
        for (Step step : steps) {
            switch (step) {
                case Arrow a -> out.append("    ").append(a.from()).append(a.lost() ? "--x" : a.reset() ? "-x" : "->>").append(a.to())
                        .append(": ").append(escape(a.label())).append('\n');
                case Note n -> out.append("    Note over ").append(n.over()).append(": ").append(escape(n.text())).append('\n');
            }
        }
        return out.toString();
    }

    /** Mermaid ends a statement at ';' and reads '#' as the start of an entity code: write both as entities. */
    private static String escape(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            out.append(c == '#' ? "#35;" : c == ';' ? "#59;" : String.valueOf(c));
        }
        return out.toString();
    }

    /** The diagram as text for a terminal, one line per step: {@code client → server  SYN}. */
    public String text() {
        StringBuilder out = new StringBuilder();
        for (Step step : steps) {
            out.append(line(step)).append('\n');
        }
        return out.toString();
    }

    /** One step as a terminal line. */
    public String line(Step step) {
        int width = participants.values().stream().mapToInt(String::length).max().orElse(6);
        return switch (step) {
            case Arrow a -> "%s %s %s  %s".formatted(pad(name(a.from()), width), a.lost() ? "✗" : a.reset() ? "-x" : "→",
                    pad(name(a.to()), width), a.label());
            case Note n -> "%s   (%s)".formatted(pad(name(n.over()), width), n.text());
        };
    }

    private String name(String id) {
        return participants.getOrDefault(id, id);
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
