package sockets.raw;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.management.ManagementFactory;
import java.util.HexFormat;

/**
 * Coverage-guided fuzzing (Jazzer) of every parser that reads bytes from the wire in this lesson:
 * {@link Ethernet#parse}, {@link Ipv4#parse}, the UDP, TCP and ICMP headers, the sniffer's one-line
 * description and the capture's decoding. A parser may return a value or throw
 * {@link MalformedPacketException}; nothing else may escape, no length may come out negative or
 * beyond the bytes given, and one packet may not make a parser allocate far beyond its size.
 * {@link ParserFuzzTest} keeps its seeded random and mutated packets besides.
 *
 * <p>The default build replays {@code src/test/resources/sockets/raw/PacketFuzzTestInputs/} as
 * ordinary tests. To fuzz (docs/fuzzing.md):
 * {@code ./mvnw -o -Pfuzz -pl 06-raw-sockets test -Dtest='PacketFuzzTest#frame' -Djazzer.max_duration=3m}
 */
class PacketFuzzTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static { // the first calls load classes (formatters, InetAddress): not what one packet costs
        for (int i = 0; i < 3; i++) {
            RawSniff.describe(new byte[60]);
            RawSniff.describe(new byte[3]);
            byte[] ip = new byte[40];
            ip[0] = 0x45;
            ip[3] = 40;
            for (int protocol : new int[] {Ipv4.TCP, Ipv4.UDP, Ipv4.ICMP, 99}) {
                ip[9] = (byte) protocol;
                byte[] frame = new Ethernet(new byte[6], new byte[6], Ethernet.IPV4, ip).toBytes();
                RawSniff.describe(frame);
                try {
                    Capture.parse(frame);
                } catch (MalformedPacketException ignored) {
                    // warming up only
                }
            }
        }
    }

    private static void bounded(byte[] input, Runnable parse) {
        long bound = 256 * 1024 + 16L * input.length;
        long allocated = Long.MAX_VALUE;
        // A first call may also pay for loading classes or the fuzzer's own set-up: over the bound,
        // it is measured once more, and the second figure counts (a real excess repeats).
        for (int i = 0; i < 2 && allocated >= bound; i++) {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            try {
                parse.run();
            } catch (MalformedPacketException declared) {
                // the declared refusal
            } catch (RuntimeException e) {
                throw new AssertionError("threw " + e + " for " + HexFormat.of().formatHex(input, 0, Math.min(64, input.length)), e);
            }
            allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        }
        assertThat(allocated).isLessThan(bound);
    }

    /** A whole frame, as the sniffer and the capture see it: they must describe anything. */
    @FuzzTest
    void frame(byte[] bytes) {
        bounded(bytes, () -> {
            String line = RawSniff.describe(bytes); // never throws: a malformed frame is described as such
            assertThat(line).isNotEmpty();
            RawSniff.matches(bytes, "udp", 53);
            RawSniff.matches(bytes, null, 80);
            Ethernet frame = Ethernet.parse(bytes);
            assertThat(frame.payload().length).isEqualTo(bytes.length - Ethernet.HEADER);
        });
        bounded(bytes, () -> Capture.parse(bytes));
    }

    /** An IPv4 packet at a fuzzed offset, then its payload through the transport header it names. */
    @FuzzTest
    void ipv4(FuzzedDataProvider fuzz) {
        int offset = fuzz.consumeInt(-2, 40);
        byte[] bytes = fuzz.consumeRemainingAsBytes();
        bounded(bytes, () -> {
            Ipv4 ip = Ipv4.parse(bytes, offset);
            assertThat(ip.headerLength()).isBetween(20, 60);
            assertThat(ip.payload().length).isBetween(0, bytes.length - offset - ip.headerLength());
            assertThat(ip.fragmentOffset()).isBetween(0, 8 * 0x1FFF);
            if (ip.protocol() == Ipv4.UDP && !ip.fragment()) {
                Transport.Udp udp = Transport.Udp.parse(ip.payload());
                udp.checksumValid(ip, ip.payload());
                udp.checksumLeftForOffload(ip);
            }
        });
    }

    /** Each transport header parser, on any bytes. */
    @FuzzTest
    void transport(byte[] bytes) {
        bounded(bytes, () -> {
            Transport.Udp udp = Transport.Udp.parse(bytes);
            assertThat(udp.length()).isGreaterThanOrEqualTo(8);
            assertThat(udp.payload().length).isBetween(0, bytes.length - 8);
        });
        bounded(bytes, () -> {
            Transport.Tcp tcp = Transport.Tcp.parse(bytes);
            assertThat(tcp.headerLength()).isBetween(20, bytes.length);
            assertThat(tcp.flagNames()).isNotNull();
        });
        bounded(bytes, () -> {
            Transport.Icmp icmp = Transport.Icmp.parse(bytes);
            assertThat(icmp.payload().length).isEqualTo(bytes.length - 8);
        });
        bounded(bytes, () -> InternetChecksum.of(bytes, 0, bytes.length));
    }
}
