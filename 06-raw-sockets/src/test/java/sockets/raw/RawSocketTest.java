package sockets.raw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Raw sockets for real, on {@code lo}: these need Linux and CAP_NET_RAW. They run whenever the
 * process has it (CI runs as root) and skip, saying why, when it does not. Nothing leaves the host.
 */
@Timeout(60)
@EnabledOnOs(value = OS.LINUX, disabledReason = "AF_PACKET raw sockets are Linux only")
class RawSocketTest {

    private static final byte[] SRC = Ethernet.mac(RawSend.DEFAULT_SOURCE);
    private static final byte[] DST = Ethernet.mac(RawSend.DEFAULT_DESTINATION);

    @BeforeAll
    static void needsCapNetRaw() {
        try (RawSocket probe = RawSocket.packet("lo", Ethernet.LOCAL_EXPERIMENTAL)) {
            // we have the privilege
        } catch (RawSocketException e) {
            assumeTrue(!e.permissionDenied(), "needs CAP_NET_RAW (run as root, setcap, or unshare -rn): " + e.getMessage());
            throw new IllegalStateException(e);
        }
    }

    private static byte[] frame(byte[] payload) {
        return new Ethernet(DST, SRC, Ethernet.LOCAL_EXPERIMENTAL, payload).toBytes();
    }

    @Nested
    @Tag("fix")
    class Fix {

        @Test
        void a_closed_socket_refuses_every_call_with_a_clear_error_and_closing_again_does_nothing() throws Exception {
            // Without the check, a call would use a descriptor number the process may already
            // have given to something else: a frame sent down another socket, or a file.
            RawSocket packet = RawSocket.packet("lo", Ethernet.LOCAL_EXPERIMENTAL);
            RawSocket icmp = RawSocket.icmp();
            packet.close();
            icmp.close();
            assertThatThrownBy(() -> packet.send(frame(new byte[] {1}))).isInstanceOf(IllegalStateException.class).hasMessage("socket closed");
            assertThatThrownBy(() -> packet.receive(1500, java.time.Duration.ofMillis(10))).isInstanceOf(IllegalStateException.class).hasMessage("socket closed");
            assertThatThrownBy(() -> icmp.sendTo(new byte[8], (java.net.Inet4Address) java.net.InetAddress.getByName("127.0.0.1")))
                    .isInstanceOf(IllegalStateException.class).hasMessage("socket closed");
            packet.close(); // a second close is harmless
            assertThatThrownBy(() -> packet.send(frame(new byte[] {1}))).isInstanceOf(IllegalStateException.class);
        }

        @Test
        void a_frame_sent_on_lo_is_received_byte_for_byte_by_a_socket_filtering_its_ethertype() throws Exception {
            try (RawSocket receiver = RawSocket.packet("lo", Ethernet.LOCAL_EXPERIMENTAL);
                 RawSocket sender = RawSocket.packet("lo", Ethernet.LOCAL_EXPERIMENTAL)) {
                byte[] sent = frame("hello from Java".getBytes(StandardCharsets.UTF_8));
                sender.send(sent);
                assertThat(Demo.receiveOne(receiver)).isEqualTo(sent);
            }
        }

        @Test
        void the_sniffer_captures_a_udp_datagram_and_decodes_its_headers_with_valid_checksums() throws Exception {
            try (RawSocket sniffer = RawSocket.packet("lo", LibC.ETH_P_ALL);
                 DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                byte[] text = "sniff me".getBytes(StandardCharsets.US_ASCII);
                int port = udp.getLocalPort();
                String line = null;
                // lo is shared with every other test on the machine: a burst of their traffic can
                // fill the sniffer's receive buffer and drop our frame. So send again until it is
                // seen (each datagram is the same), boundedly, rather than count on one.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                long resendAt = System.nanoTime();
                while (line == null) {
                    assertThat(deadline - System.nanoTime()).as("our datagram seen within 20 s").isPositive();
                    if (System.nanoTime() - resendAt >= 0) {
                        udp.send(new DatagramPacket(text, text.length, udp.getLocalSocketAddress()));
                        resendAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
                    }
                    RawSocket.Received r = sniffer.receive(65_536, Duration.ofMillis(200));
                    if (r != null && r.packetType() != RawSocket.PACKET_OUTGOING && RawSniff.matches(r.bytes(), "udp", port)) {
                        Ipv4 ip = Ipv4.parse(Ethernet.parse(r.bytes()).payload(), 0);
                        Transport.Udp d = Transport.Udp.parse(ip.payload());
                        assertThat(ip.checksumValid()).isTrue();
                        assertThat(d.destinationPort()).isEqualTo(port);
                        assertThat(d.payload()).isEqualTo(text);
                        // On lo the kernel may leave the UDP checksum for a card that is not there.
                        assertThat(d.checksumValid(ip, ip.payload()) || d.checksumLeftForOffload(ip)).isTrue();
                        line = RawSniff.describe(r.bytes());
                    }
                }
                assertThat(line).startsWith("UDP 127.0.0.1:%d -> 127.0.0.1:%d, 8 bytes of data (ip checksum ok, udp checksum "
                        .formatted(port, port)).doesNotContain("BAD");
                System.out.println("captured: " + line);
            }
        }

        @Test
        void the_sniffer_says_when_it_is_ready_and_what_it_saw_when_it_ends() throws Exception {
            int unusedPort;
            try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                unusedPort = probe.getLocalPort(); // closed below: nothing will use it during the test
            }
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            int status = RawSniff.run(new String[] {"--protocol", "udp", "--port", String.valueOf(unusedPort),
                "--count", "1", "--seconds", "0.5"}, new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
                    new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(status).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8).lines().toList())
                    .containsExactly("sniffing on lo, udp, port " + unusedPort + "; stops after 1 frame or 0.5 s, or Ctrl-C",
                            "saw no matching frame");
        }

        @Test
        void raw_ping_gets_its_echo_reply_with_valid_checksums() throws Exception {
            try (RawSocket socket = RawSocket.icmp()) {
                RawPing.Reply reply = RawPing.ping(socket, (Inet4Address) InetAddress.getByName("127.0.0.1"), 4242, 1,
                        Duration.ofSeconds(2));
                assertThat(reply).isNotNull();
                assertThat(reply.checksumsValid()).isTrue();
                assertThat(reply.sequence()).isEqualTo(1);
            }
        }

        @Test
        void the_demo_receives_its_frame_and_verifies_the_crc_in_the_payload() throws Exception {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Demo.run(new PrintStream(out, true, StandardCharsets.UTF_8));
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("identical: true").contains("CRC-32 verified: true");
        }

        @Test
        void the_programs_send_and_ping() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThat(RawSend.run(new String[] {"--payload", "hi"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(new ByteArrayOutputStream()))).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("sent a 16-byte frame on lo");
            assertThat(RawPing.run(new String[] {"--count", "2"}, new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(new ByteArrayOutputStream()))).isZero();
        }
    }

    @Nested
    @Tag("pitfall")
    class Pitfall {

        @Test
        void a_socket_opened_with_protocol_0_receives_nothing_bug34() throws Exception {
            try (RawSocket seedStyle = RawSocket.packet("lo", 0);
                 RawSocket sender = RawSocket.packet("lo", Ethernet.LOCAL_EXPERIMENTAL)) {
                sender.send(frame("anyone?".getBytes(StandardCharsets.US_ASCII)));
                // A bounded wait, to show nothing arrives: protocol 0 matches no frame.
                assertThat(seedStyle.receive(65_536, Duration.ofMillis(300))).isNull();
            }
        }

        @Test
        void the_seeds_appended_checksum_arrives_as_ordinary_payload_bug33() throws Exception {
            try (RawSocket receiver = RawSocket.packet("lo", Ethernet.LOCAL_EXPERIMENTAL);
                 RawSocket sender = RawSocket.packet("lo", Ethernet.LOCAL_EXPERIMENTAL)) {
                byte[] payload = ("[".repeat(30) + "PAYLOAD" + "]".repeat(30)).getBytes(StandardCharsets.US_ASCII);
                byte[] withFake = Arrays.copyOf(payload, payload.length + 4);
                System.arraycopy(HexFormat.of().parseHex("1a2b3c4d"), 0, withFake, payload.length, 4);
                sender.send(frame(withFake));
                byte[] got = Demo.receiveOne(receiver);
                assertThat(got).hasSize(14 + 67 + 4); // 85 bytes, as the catalogue recorded
                assertThat(HexFormat.of().formatHex(Arrays.copyOfRange(got, got.length - 4, got.length))).isEqualTo("1a2b3c4d");
            }
        }

        @Test
        void without_cap_net_raw_the_program_says_how_to_get_it_in_one_line_and_exits_1() throws Exception {
            Path setpriv = Path.of("/usr/bin/setpriv");
            assumeTrue(Files.isExecutable(setpriv), "needs setpriv (util-linux) to run a child without the capability");
            String java = ProcessHandle.current().info().command().orElse("java");
            // A world-readable copy of the classes: the checkout itself may sit where nobody cannot read.
            Path built = Path.of(RawSend.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path copy = Files.createTempDirectory("rawsend-classes");
            try (var files = Files.walk(built)) {
                for (Path from : files.toList()) {
                    Path to = copy.resolve(built.relativize(from).toString());
                    if (Files.isDirectory(from)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(from, to);
                    }
                }
            }
            try (var all = Files.walk(copy)) {
                for (Path p : all.toList()) {
                    p.toFile().setReadable(true, false);
                    p.toFile().setExecutable(Files.isDirectory(p), false);
                }
            }
            String classes = copy.toString();
            // As the unprivileged user nobody, with no capabilities at all.
            Process child = new ProcessBuilder(List.of(setpriv.toString(), "--reuid=65534", "--regid=65534", "--clear-groups",
                    "--inh-caps=-all", java, "--enable-native-access=ALL-UNNAMED", "-cp", classes, "sockets.raw.RawSend"))
                    .redirectErrorStream(false).start();
            String err = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            // The java binary itself must be usable by nobody; on a machine where it is not, say so.
            assumeTrue(!err.contains("Error: could not open") && !err.contains("Could not find or load main class"),
                    "the JDK or the temporary directory is not readable by the unprivileged user here: " + err);
            assertThat(child.exitValue()).isEqualTo(1);
            assertThat(err).startsWith("RawSend: socket(AF_PACKET, SOCK_RAW) failed: Operation not permitted; raw sockets need the CAP_NET_RAW capability")
                    .contains("setcap cap_net_raw+ep").contains("unshare -rn")
                    .doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(err.lines().count()).isEqualTo(1);
        }
    }
}
