package sockets.raw;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import sockets.docs.WireScenario;

/** Lesson 06 on the wire: its own frames, a hand-built Ethernet frame and a ping. */
public final class RawPictures {

    private RawPictures() {
    }

    public static List<WireScenario> scenarios() {
        return List.of(
                new WireScenario("06/hand-built-frame",
                        "RawSend puts one Ethernet frame of ethertype 0x88B5 on lo: 14 bytes of header, 5 of payload",
                        RawPictures::frame),
                new WireScenario("06/ping",
                        "RawPing sends an ICMP echo request; the kernel answers with an echo reply", RawPictures::ping));
    }

    private static Sequence frame(Capture capture) throws Exception {
        Sequence picture = new Sequence(p -> p.protocol().equals("ETH") && p.ethertype() == Ethernet.LOCAL_EXPERIMENTAL
                ? new String[] {"A", "B"} : null)
                .participant("A", "RawSend (02:00:00:00:00:01)").participant("B", "lo (to 02:00:00:00:00:02)");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = RawSend.run(new String[] {"--interface", "lo", "--payload", "hello"}, new PrintStream(out), new PrintStream(out));
        if (status != 0) {
            throw new IllegalStateException("RawSend failed: " + out);
        }
        return picture.addAll(capture.sync()).note("A", "no preamble and no frame check sequence: the card adds those");
    }

    private static Sequence ping(Capture capture) throws Exception {
        Sequence picture = new Sequence(p -> !p.protocol().equals("ICMP") ? null
                : p.icmpType() == Transport.Icmp.ECHO_REQUEST ? new String[] {"P", "K"}
                : p.icmpType() == Transport.Icmp.ECHO_REPLY ? new String[] {"K", "P"} : null)
                .participant("P", "RawPing").participant("K", "kernel (127.0.0.1)");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = RawPing.run(new String[] {"--count", "1"}, new PrintStream(out), new PrintStream(out));
        if (status != 0) {
            throw new IllegalStateException("RawPing failed: " + out);
        }
        return picture.addAll(capture.sync()).note("P", "reply matched by identifier and sequence, checksums verified");
    }
}
