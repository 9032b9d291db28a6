package sockets.raw;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.CRC32;
import sockets.cli.Programs;

/**
 * Lesson 06, live (needs CAP_NET_RAW): an Ethernet frame sent on {@code lo} and received back by a
 * second raw socket; then the seed's hand-made "checksum" arriving as plain payload, and an
 * integrity check that works: a CRC-32 inside the payload, verified on receipt.
 */
public final class Demo {

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        Programs.noOptions("Demo", "Runs lesson 06's pitfall and its fix, live, on loopback (takes no options).", args);
        run(System.out);
    }

    static void run(PrintStream out) throws Exception {
        byte[] src = Ethernet.mac(RawSend.DEFAULT_SOURCE);
        byte[] dst = Ethernet.mac(RawSend.DEFAULT_DESTINATION);
        try (RawSocket receiver = RawSocket.packet("lo", Ethernet.LOCAL_EXPERIMENTAL);
             RawSocket sender = RawSocket.packet("lo", Ethernet.LOCAL_EXPERIMENTAL)) {
            out.println("== A hand-built Ethernet frame on lo, from Java, without JNI ==");
            byte[] frame = new Ethernet(dst, src, Ethernet.LOCAL_EXPERIMENTAL, "hello from Java".getBytes(StandardCharsets.UTF_8)).toBytes();
            sender.send(frame);
            byte[] got = receiveOne(receiver);
            out.printf("Sent %d bytes; the second socket (filtering ethertype 0x88B5) received %d bytes, identical: %s.%n",
                    frame.length, got.length, Arrays.equals(frame, got));
            out.println("  " + RawSniff.describe(got));

            out.println();
            out.println("== The pitfall: the seed appends a made-up 4-byte \"checksum\" (BUG-33) ==");
            byte[] fake = HexFormat.of().parseHex("1a2b3c4d");
            byte[] payload = ByteBuffer.allocate(61 + 4).put(("[".repeat(30) + "P" + "]".repeat(30)).getBytes(StandardCharsets.US_ASCII))
                    .put(fake).array();
            sender.send(new Ethernet(dst, src, Ethernet.LOCAL_EXPERIMENTAL, payload).toBytes());
            got = receiveOne(receiver);
            out.printf("The frame arrived with %d bytes of payload, ending in %s: the \"checksum\" is just payload.%n",
                    Ethernet.parse(got).payload().length, HexFormat.of().formatHex(Arrays.copyOfRange(got, got.length - 4, got.length)));
            out.println("The real frame check sequence is added and checked by the network card, never seen by a raw socket.");

            out.println();
            out.println("== The fix: if you want an integrity check, put a CRC-32 of the data inside the payload ==");
            byte[] data = "important data".getBytes(StandardCharsets.UTF_8);
            CRC32 crc = new CRC32();
            crc.update(data);
            byte[] checked = ByteBuffer.allocate(data.length + 4).put(data).putInt((int) crc.getValue()).array();
            sender.send(new Ethernet(dst, src, Ethernet.LOCAL_EXPERIMENTAL, checked).toBytes());
            byte[] received = Ethernet.parse(receiveOne(receiver)).payload();
            CRC32 verify = new CRC32();
            verify.update(received, 0, received.length - 4);
            boolean ok = (int) verify.getValue() == ByteBuffer.wrap(received, received.length - 4, 4).getInt();
            out.println("Received \"" + new String(received, 0, received.length - 4, StandardCharsets.UTF_8) + "\", CRC-32 verified: " + ok + ".");
        } catch (RawSocketException e) {
            out.println("This demo needs raw sockets: " + e.getMessage());
            out.println("The codec tests run without privilege: ./mvnw -pl 06-raw-sockets verify");
        }
        out.println();
        out.println("Read the lesson: 06-raw-sockets/README.md. Run the tests: ./mvnw -pl 06-raw-sockets verify");
    }

    /** The next frame that arrived (lo shows each frame twice: skip the outgoing copy). */
    static byte[] receiveOne(RawSocket socket) throws RawSocketException {
        for (int tries = 0; tries < 10; tries++) {
            RawSocket.Received r = socket.receive(65_536, Duration.ofSeconds(2));
            if (r == null) {
                break;
            }
            if (r.packetType() != RawSocket.PACKET_OUTGOING) {
                return r.bytes();
            }
        }
        throw new RawSocketException("no frame arrived", 0);
    }
}
