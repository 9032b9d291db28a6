package sockets.udp;

import java.net.DatagramSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import sockets.cli.AcrossTheLink;
import sockets.cli.Programs;
import sockets.cli.Wire;
import sockets.cli.Wire.Session;
import sockets.cli.Wire.Stage;

/**
 * Checks any UDP request/reply server at HOST:PORT, in any language, over the wire: an answer to
 * each datagram from the address it was sent to; a numbered request ({@code #17 hello}) answered
 * with its number; a repeat answered the same; many clients; and a server that survives an
 * oversized or an empty datagram. Loopback rarely loses a datagram; each wait is still bounded.
 *
 * <pre>04-udp/run Checker 127.0.0.1:5004</pre>
 */
public final class Checker {

    /** How long to wait for an answer; -Dchecker.patience.ms shortens it for servers known never to answer. */
    private static Duration patience() {
        return Duration.ofMillis(Long.getLong("checker.patience.ms", 2000));
    }

    private Checker() {
    }

    public static List<Stage> stages() {
        return List.of(
                new Stage("a datagram gets an answer, from the address it was sent to",
                        "a UDP server answers with sendto(reply, sender): the client's socket only accepts the server's address",
                        s -> {
                            DatagramSocket socket = s.datagrams(patience());
                            s.sendDatagram(socket, ascii("hello, udp"));
                            byte[] got = s.receiveDatagram(socket);
                            s.expect(got.length > 0, "an answer", "an empty datagram");
                        }),
                new Stage("a numbered request gets an answer with the same number",
                        "the client matches answers to requests by number: without it, a late answer passes for the next one's",
                        s -> {
                            DatagramSocket socket = s.datagrams(patience());
                            long id = 1 + s.random().nextInt(1_000_000);
                            s.sendDatagram(socket, ascii("#" + id + " hello"));
                            String got = text(s.receiveDatagram(socket));
                            s.expect(got.startsWith("#" + id + " "), "an answer that starts with \"#" + id + " \"", "\"" + got + "\"");
                        }),
                new Stage("the same numbered request twice gets the same answer twice",
                        "a retransmission must be answered again (the first answer may be the one that was lost), and the same way",
                        s -> {
                            DatagramSocket socket = s.datagrams(patience());
                            byte[] request = ascii("#" + (1 + s.random().nextInt(1_000_000)) + " once");
                            s.sendDatagram(socket, request);
                            byte[] first = s.receiveDatagram(socket);
                            s.sendDatagram(socket, request);
                            byte[] second = s.receiveDatagram(socket);
                            s.expect(Arrays.equals(first, second), "the same answer", Wire.hex(first) + " then " + Wire.hex(second));
                        }),
                new Stage("five clients with ten numbered requests each get their own answers",
                        "one socket serves every client: each answer goes to its sender, with its number", s -> {
                            List<DatagramSocket> clients = new ArrayList<>();
                            for (int c = 0; c < 5; c++) {
                                clients.add(s.datagrams(patience()));
                            }
                            for (int i = 0; i < 10; i++) {
                                for (int c = 0; c < clients.size(); c++) {
                                    String id = "#" + (c * 100 + i + 1) + " ";
                                    s.sendDatagram(clients.get(c), ascii(id + "request"));
                                    String got = text(s.receiveDatagram(clients.get(c)));
                                    s.expect(got.startsWith(id), "client " + (c + 1) + " to get an answer starting \"" + id + "\"", "\"" + got + "\"");
                                }
                            }
                        }),
                new Stage("an oversized datagram does not stop the server",
                        "a datagram larger than the server's buffer is cut short by recvfrom: report and drop it, never process it, and go on",
                        s -> {
                            DatagramSocket socket = s.datagrams(patience());
                            byte[] big = new byte[60_000];
                            Arrays.fill(big, (byte) 'x');
                            s.sendDatagram(socket, big);
                            byte[] request = ascii("#4242 after the big one");
                            s.sendDatagram(socket, request);
                            String got = text(s.receiveDatagram(socket));
                            if (!got.startsWith("#4242 ")) { // the server may answer the big one (it may have a large buffer)
                                got = text(s.receiveDatagram(socket));
                            }
                            s.expect(got.startsWith("#4242 "), "an answer to the small request that followed", "\"" + got + "\"");
                        }),
                new Stage("an empty datagram does not stop the server",
                        "an empty datagram is a valid datagram (recvfrom returns 0, which for UDP is not end of stream)",
                        s -> {
                            DatagramSocket socket = s.datagrams(patience());
                            s.sendDatagram(socket, new byte[0]);
                            s.sendDatagram(socket, ascii("#77 after nothing"));
                            String got;
                            try {
                                got = text(s.receiveDatagram(socket));
                                if (!got.startsWith("#77 ")) {
                                    got = text(s.receiveDatagram(socket));
                                }
                            } catch (SocketTimeoutException e) {
                                got = "nothing within " + patience().toMillis() + " ms";
                            }
                            s.expect(got.startsWith("#77 "), "an answer to the request after the empty datagram", got);
                        }));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    public static void main(String[] args) {
        // --link SPEC --server 'COMMAND': the same stages, with the server across lesson 06's link
        int acrossTheLink = AcrossTheLink.runIfAsked("04-udp/run Checker", args, 5004, System.err);
        if (acrossTheLink >= 0) {
            Programs.exit(acrossTheLink);
            return;
        }
        Programs.exit(Wire.main("04-udp/run Checker", "Checks a UDP request/reply server; exit 0 only if every stage passes.",
                args, stages(), System.out, System.err));
    }
}
