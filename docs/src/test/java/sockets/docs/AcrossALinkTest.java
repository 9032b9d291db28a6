package sockets.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import sockets.echo.EchoClient;
import sockets.echo.EchoServer;
import sockets.echo.NaiveEchoClient;
import sockets.failure.Heartbeat;
import sockets.failure.Keepalive;
import sockets.framing.FramingServer;
import sockets.framing.LengthPrefixedReader;
import sockets.framing.LengthPrefixedWriter;
import sockets.framing.NaiveFraming;
import sockets.raw.Link;
import sockets.raw.LinkConfig;
import sockets.udp.NaiveUdpClient;
import sockets.udp.UdpClient;
import sockets.udp.UdpServer;

/**
 * The lessons' pitfalls happening by themselves, across lesson 06's {@link Link}: a server in one
 * network namespace, a client in another, a link with an MTU, a delay and a little loss between
 * them, and no latch or scripted stream anywhere. Each test names its run count and seed, and
 * prints the link's settings and what it did. Needs root on Linux (CI runs as root); otherwise
 * every test skips, saying what is missing.
 */
@Timeout(60)
class AcrossALinkTest {

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    private static final int RUNS = 10;

    @BeforeAll
    static void needsALink() {
        String missing = Link.missing();
        assumeTrue(missing == null, missing);
    }

    private static Link open(String spec) throws IOException {
        Link link = Link.open(LinkConfig.parse(spec));
        System.out.println("AcrossALinkTest: link " + link.config());
        return link;
    }

    private static void report(Link link) {
        System.out.println("AcrossALinkTest:   client to server: " + link.stats(Link.Side.CLIENT));
        System.out.println("AcrossALinkTest:   server to client: " + link.stats(Link.Side.SERVER));
    }

    /** Lesson 01's echo server, bound in the server's namespace, serving on a thread of its own. */
    private static EchoServer echoServer(Link link) throws Exception {
        EchoServer server = link.call(Link.Side.SERVER,
                () -> EchoServer.bind(new InetSocketAddress(Link.SERVER_ADDRESS, 0), Duration.ofSeconds(20), QUIET));
        Thread.ofPlatform().daemon().start(server::serve);
        return server;
    }

    /** A connection made in the client's namespace, with every read bounded. */
    private static <T> T overTheLink(Link link, int port, SocketWork<T> work) throws Exception {
        return link.call(Link.Side.CLIENT, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(Link.SERVER_ADDRESS, port), 10_000);
                s.setSoTimeout(10_000);
                return work.on(s);
            }
        });
    }

    interface SocketWork<T> {
        T on(Socket socket) throws Exception;
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    // ---------------------------------------------------------------------------------------------
    // Rates are low (2 or 10 Mbit/s) so that the segments of one reply arrive milliseconds apart,
    // as on a real network, even when a loaded machine is slow to wake the reader.
    // 01: one read is not one reply. A 1,000-byte request does not fit one segment of a 576-byte-MTU
    // link (536 bytes of payload), so the echo comes back in two; the naive client's 1,024-byte
    // buffer would hold the whole reply, were it all there at the first read.

    @Nested
    @Tag("pitfall")
    class Pitfall {

        @Test
        void naive_echo_client_gets_part_of_a_1000_byte_reply_in_most_of_10_runs_across_mtu_576_seed_7() throws Exception {
            int partial = 0;
            try (Link link = open("mtu=576,delay=10ms,loss=1%,rate=10mbit,seed=7"); EchoServer server = echoServer(link)) {
                for (int run = 0; run < RUNS; run++) {
                    byte[] request = bytes(1000, run);
                    byte[] reply = overTheLink(link, server.localAddress().getPort(),
                            s -> NaiveEchoClient.roundTrip(s.getInputStream(), s.getOutputStream(), request));
                    System.out.println("AcrossALinkTest: 01 naive run " + run + ": " + reply.length + " of 1000 bytes");
                    if (reply.length < request.length) {
                        partial++;
                    }
                }
                report(link);
            }
            assertThat(partial).as("runs of %d in which the naive client got part of the reply", RUNS).isGreaterThan(RUNS / 2);
        }

        @Test
        void naive_framing_reader_gets_part_of_a_3000_byte_frame_in_most_of_10_runs_across_mtu_1500_seed_7() throws Exception {
            int partial = 0;
            try (Link link = open("mtu=1500,delay=10ms,loss=1%,rate=2mbit,seed=7")) {
                FramingServer server = framingServer(link);
                try (server) {
                    for (int run = 0; run < RUNS; run++) {
                        byte[] message = bytes(3000, run);
                        byte[] got = overTheLink(link, server.localAddress().getPort(), s -> {
                            new LengthPrefixedWriter(s.getOutputStream(), 1 << 16).writeFrame(message);
                            return NaiveFraming.readMessage(s.getInputStream());
                        });
                        System.out.println("AcrossALinkTest: 02 naive run " + run + ": " + got.length + " of 3004 bytes");
                        if (got.length < 3004) {
                            partial++;
                        }
                    }
                    report(link);
                }
            }
            assertThat(partial).as("runs of %d in which the naive reader got part of the frame", RUNS).isGreaterThan(RUNS / 2);
        }

        @Test
        void naive_udp_client_loses_requests_across_10_percent_loss_40_requests_seed_7() throws Exception {
            int lost = 0;
            try (Link link = open("mtu=1500,delay=10ms,loss=10%,seed=7")) {
                UdpServer server = udpServer(link);
                try (server; DatagramSocket socket = udpClientSocket(link, server)) {
                    socket.setSoTimeout(300); // bounded, only to prove the answer never comes; the naive client has none
                    for (int i = 0; i < 40; i++) {
                        try {
                            NaiveUdpClient.request(socket, ("request " + i).getBytes());
                        } catch (SocketTimeoutException never) {
                            lost++;
                        }
                    }
                    report(link);
                }
            }
            System.out.println("AcrossALinkTest: 04 naive: " + lost + " of 40 requests got no answer");
            assertThat(lost).isPositive();
        }

        @Test
        void plain_read_from_a_peer_that_vanished_waits_until_the_tests_bound_seed_7() throws Exception {
            try (Link link = open("delay=10ms,seed=7"); ServerSocket listener = echoListener(link)) {
                overTheLink(link, listener.getLocalPort(), s -> {
                    aliveThenCut(link, s);
                    s.setSoTimeout(2_000); // the test's bound: without it, this read never returns
                    long start = System.nanoTime();
                    assertThatThrownBy(() -> s.getInputStream().read(new byte[10])).isInstanceOf(SocketTimeoutException.class);
                    System.out.printf("AcrossALinkTest: 07 plain read still waiting after %d ms%n", (System.nanoTime() - start) / 1_000_000);
                    return null;
                });
                report(link);
            }
        }
    }

    @Nested
    @Tag("fix")
    class Fix {

        @Test
        void echo_client_reading_exactly_gets_every_byte_in_all_10_runs_across_mtu_576_seed_7() throws Exception {
            try (Link link = open("mtu=576,delay=10ms,loss=1%,rate=10mbit,seed=7"); EchoServer server = echoServer(link)) {
                for (int run = 0; run < RUNS; run++) {
                    byte[] request = bytes(1000, run);
                    byte[] reply = overTheLink(link, server.localAddress().getPort(),
                            s -> EchoClient.roundTrip(s.getInputStream(), s.getOutputStream(), request));
                    assertThat(Arrays.equals(reply, request)).as("run %d", run).isTrue();
                }
                report(link);
            }
        }

        @Test
        void length_prefixed_reader_gets_every_3000_byte_frame_whole_in_all_10_runs_across_mtu_1500_seed_7() throws Exception {
            try (Link link = open("mtu=1500,delay=10ms,loss=1%,rate=2mbit,seed=7")) {
                FramingServer server = framingServer(link);
                try (server) {
                    for (int run = 0; run < RUNS; run++) {
                        byte[] message = bytes(3000, run);
                        byte[] got = overTheLink(link, server.localAddress().getPort(), s -> {
                            new LengthPrefixedWriter(s.getOutputStream(), 1 << 16).writeFrame(message);
                            return new LengthPrefixedReader(s.getInputStream(), 1 << 16).readFrame();
                        });
                        assertThat(Arrays.equals(got, message)).as("run %d", run).isTrue();
                    }
                    report(link);
                }
            }
        }

        @Test
        void stop_and_wait_client_gets_every_answer_exactly_once_across_10_percent_loss_40_requests_seed_7() throws Exception {
            try (Link link = open("mtu=1500,delay=10ms,loss=10%,seed=7")) {
                UdpServer server = udpServer(link);
                int resent = 0;
                try (server; DatagramSocket socket = udpClientSocket(link, server)) {
                    UdpClient client = new UdpClient(socket, Duration.ofMillis(200), 10);
                    for (int i = 0; i < 40; i++) {
                        byte[] body = ("request " + i).getBytes();
                        UdpClient.Answer answer = client.request(body);
                        assertThat(answer.body()).isEqualTo(body);
                        resent += answer.attempts() - 1;
                    }
                    report(link);
                    assertThat(server.processed()).as("requests processed by the server").isEqualTo(40);
                }
                System.out.println("AcrossALinkTest: 04 stop-and-wait: 40 of 40 answered, " + resent + " sends repeated");
            }
        }

        @Test
        void heartbeat_declares_a_vanished_peer_dead_within_its_bound_seed_7() throws Exception {
            try (Link link = open("delay=10ms,seed=7"); ServerSocket listener = echoListener(link)) {
                overTheLink(link, listener.getLocalPort(), s -> {
                    aliveThenCut(link, s);
                    Heartbeat heartbeat = new Heartbeat(s, Duration.ofMillis(200), 2, () -> s.getOutputStream().write('?'));
                    long start = System.nanoTime();
                    assertThatThrownBy(() -> heartbeat.read(new byte[10])).isInstanceOf(Heartbeat.PeerDeadException.class);
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    System.out.println("AcrossALinkTest: 07 heartbeat (200 ms x 3): dead after " + ms + " ms");
                    assertThat(ms).isBetween(600L, 3_000L); // the stated bound, 600 ms, plus room for a loaded machine
                    return null;
                });
                report(link);
            }
        }

        @Test
        void tcp_keepalive_declares_a_vanished_peer_dead_within_its_bound_seed_7() throws Exception {
            try (Link link = open("delay=10ms,seed=7"); ServerSocket listener = echoListener(link)) {
                overTheLink(link, listener.getLocalPort(), s -> {
                    Keepalive.enable(s, Duration.ofSeconds(1), Duration.ofSeconds(1), 2);
                    aliveThenCut(link, s);
                    Duration worst = Keepalive.worstCaseDetection(Duration.ofSeconds(1), Duration.ofSeconds(1), 2);
                    s.setSoTimeout(10_000); // far above the worst case: only a bound on the test
                    long start = System.nanoTime();
                    assertThatThrownBy(() -> s.getInputStream().read(new byte[10]))
                            .isInstanceOf(SocketException.class).isNotInstanceOf(SocketTimeoutException.class);
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    System.out.println("AcrossALinkTest: 07 keepalive (1 s, 1 s x 2): dead after " + ms + " ms");
                    assertThat(Duration.ofMillis(ms)).isLessThanOrEqualTo(worst.plusSeconds(2)); // room for a loaded machine
                    return null;
                });
                report(link);
            }
        }
    }

    private static FramingServer framingServer(Link link) throws Exception {
        FramingServer server = link.call(Link.Side.SERVER, () -> FramingServer.bind(
                new InetSocketAddress(Link.SERVER_ADDRESS, 0), FramingServer.Framing.LENGTH, 1 << 16, Duration.ofSeconds(20), QUIET));
        Thread.ofPlatform().daemon().start(server::serve);
        return server;
    }

    private static UdpServer udpServer(Link link) throws Exception {
        UdpServer server = link.call(Link.Side.SERVER,
                () -> UdpServer.bind(new InetSocketAddress(Link.SERVER_ADDRESS, 0), true, 8192, QUIET));
        Thread.ofPlatform().daemon().start(() -> {
            try {
                server.serve();
            } catch (IOException e) {
                // closed by the test
            }
        });
        return server;
    }

    private static DatagramSocket udpClientSocket(Link link, UdpServer server) throws Exception {
        return link.call(Link.Side.CLIENT, (Callable<DatagramSocket>) () -> {
            DatagramSocket socket = new DatagramSocket(new InetSocketAddress(Link.CLIENT_ADDRESS, 0));
            socket.connect(server.localAddress());
            return socket;
        });
    }

    /** A listener in the server's namespace whose one connection echoes every byte (a ping is answered). */
    private static ServerSocket echoListener(Link link) throws Exception {
        ServerSocket listener = link.call(Link.Side.SERVER, () -> new ServerSocket(0, 1, Link.SERVER_ADDRESS));
        Thread.ofPlatform().daemon().start(() -> {
            try (Socket s = listener.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // the test is over
            }
        });
        return listener;
    }

    /** One byte there and back, so the peer is known alive; then the link drops everything. */
    private static void aliveThenCut(Link link, Socket s) throws IOException {
        s.getOutputStream().write('!');
        assertThat(s.getInputStream().read()).isEqualTo('!');
        link.cut(true);
    }
}
