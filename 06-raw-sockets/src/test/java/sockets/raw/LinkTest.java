package sockets.raw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The link in a box for real: two network namespaces and a forwarder. These need root on Linux
 * (CI runs as root) and skip, saying what is missing, otherwise. Seeds are fixed and printed.
 */
@Timeout(60)
@Tag("fix")
class LinkTest {

    @BeforeAll
    static void needsRootAndTun() {
        String missing = Link.missing();
        assumeTrue(missing == null, missing);
    }

    private static LinkConfig config(String spec) {
        LinkConfig c = LinkConfig.parse(spec);
        System.out.println("LinkTest: link " + c);
        return c;
    }

    @Test
    void a_datagram_and_its_echo_take_twice_the_one_way_delay() throws Exception {
        try (Link link = Link.open(config("delay=25ms,seed=7"))) {
            DatagramSocket echo = link.call(Link.Side.SERVER, () -> new DatagramSocket(new InetSocketAddress(Link.SERVER_ADDRESS, 0)));
            DatagramSocket client = link.call(Link.Side.CLIENT, () -> new DatagramSocket(new InetSocketAddress(Link.CLIENT_ADDRESS, 0)));
            try (echo; client) {
                Thread.ofPlatform().daemon().start(() -> {
                    byte[] b = new byte[100];
                    try {
                        while (true) {
                            DatagramPacket p = new DatagramPacket(b, b.length);
                            echo.receive(p);
                            echo.send(new DatagramPacket(b, p.getLength(), p.getSocketAddress()));
                        }
                    } catch (Exception closed) {
                        // the test is over
                    }
                });
                client.setSoTimeout(5_000);
                long best = Long.MAX_VALUE;
                for (int i = 0; i < 5; i++) {
                    long start = System.nanoTime();
                    client.send(new DatagramPacket(new byte[] {(byte) i}, 1, echo.getLocalSocketAddress()));
                    DatagramPacket reply = new DatagramPacket(new byte[100], 100);
                    client.receive(reply);
                    best = Math.min(best, System.nanoTime() - start);
                }
                System.out.printf("LinkTest: round trip %.1f ms (best of 5)%n", best / 1e6);
                assertThat(Duration.ofNanos(best)).isBetween(Duration.ofMillis(50), Duration.ofMillis(250));
            }
        }
    }

    @Test
    void the_share_of_datagrams_lost_is_what_the_seeded_rule_decides() throws Exception {
        LinkConfig c = config("loss=20%,seed=7");
        int count = 400;
        try (Link link = Link.open(c)) {
            DatagramSocket server = link.call(Link.Side.SERVER, () -> new DatagramSocket(new InetSocketAddress(Link.SERVER_ADDRESS, 0)));
            DatagramSocket client = link.call(Link.Side.CLIENT, () -> new DatagramSocket(new InetSocketAddress(Link.CLIENT_ADDRESS, 0)));
            AtomicInteger received = new AtomicInteger();
            try (server; client) {
                Thread.ofPlatform().daemon().start(() -> {
                    byte[] b = new byte[100];
                    try {
                        while (true) {
                            server.receive(new DatagramPacket(b, b.length));
                            received.incrementAndGet();
                        }
                    } catch (Exception closed) {
                        // the test is over
                    }
                });
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                for (int burst = 0; burst < count / 20; burst++) {
                    for (int i = 0; i < 20; i++) {
                        client.send(new DatagramPacket(new byte[64], 64, server.getLocalSocketAddress()));
                    }
                    int sent = (burst + 1) * 20;
                    // bursts of 20, so that no queue in the kernel overflows: each waits until the
                    // link has decided on all of it and the server has read what was delivered
                    while ((link.stats(Link.Side.CLIENT).packets() < sent
                            || received.get() < link.stats(Link.Side.CLIENT).delivered()) && System.nanoTime() < deadline) {
                        LockSupport.parkNanos(1_000_000);
                    }
                }
            }
            LinkSchedule.Stats stats = link.stats(Link.Side.CLIENT);
            LinkSchedule replay = new LinkSchedule(c, c.seed());
            for (int i = 0; i < count; i++) {
                replay.decide(92, 0);
            }
            System.out.println("LinkTest: seed " + c.seed() + ", " + stats);
            assertThat(stats.packets()).isEqualTo(count);
            assertThat(stats.lost()).isEqualTo(replay.stats().lost()).isBetween(count * 12L / 100, count * 28L / 100);
            assertThat(received.get()).isEqualTo(stats.delivered()).isEqualTo(count - stats.lost());
        }
    }

    @Test
    void no_packet_larger_than_the_mtu_crosses_and_a_64_KiB_write_arrives_whole() throws Exception {
        try (Link link = Link.open(config("mtu=576,delay=5ms,seed=7"))) {
            ServerSocket listener = link.call(Link.Side.SERVER, () -> new ServerSocket(0, 1, Link.SERVER_ADDRESS));
            byte[] sent = new byte[65_536];
            new java.util.Random(7).nextBytes(sent);
            try (listener) {
                Future<byte[]> got = link.submit(Link.Side.SERVER, () -> {
                    try (Socket s = listener.accept(); InputStream in = s.getInputStream()) {
                        s.setSoTimeout(20_000);
                        return in.readAllBytes();
                    }
                });
                link.call(Link.Side.CLIENT, () -> {
                    try (Socket s = new Socket(Link.SERVER_ADDRESS, listener.getLocalPort()); OutputStream out = s.getOutputStream()) {
                        out.write(sent);
                    }
                    return null;
                });
                assertThat(Arrays.equals(got.get(), sent)).isTrue();
            }
            System.out.println("LinkTest: " + link.stats(Link.Side.CLIENT));
            assertThat(link.stats(Link.Side.CLIENT).largest()).isEqualTo(576); // full segments, none larger
        }
    }

    @Test
    void the_tap_sees_every_packet_with_its_fate_and_a_drop_rule_loses_exactly_the_packets_it_picks() throws Exception {
        try (Link link = Link.open(config("seed=7"))) {
            DatagramSocket server = link.call(Link.Side.SERVER, () -> new DatagramSocket(new InetSocketAddress(Link.SERVER_ADDRESS, 0)));
            DatagramSocket client = link.call(Link.Side.CLIENT, () -> new DatagramSocket(new InetSocketAddress(Link.CLIENT_ADDRESS, 0)));
            try (server; client) {
                server.setSoTimeout(5_000);
                client.setSoTimeout(5_000);
                List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
                link.tap((from, packet, copies) -> seen.add(from + " " + packet[28] + " x" + copies));
                // An IPv4 header of 20 bytes and a UDP header of 8: byte 28 is the datagram's first.
                link.dropWhen(Link.Side.CLIENT, packet -> packet[9] == 17 && packet[28] == 2);
                link.dropWhen(Link.Side.SERVER, packet -> packet[9] == 17 && packet[28] == 5);
                for (byte b = 1; b <= 3; b++) {
                    client.send(new DatagramPacket(new byte[] {b}, 1, server.getLocalSocketAddress()));
                }
                DatagramPacket got = new DatagramPacket(new byte[10], 10);
                server.receive(got);
                assertThat(got.getData()[0]).isEqualTo((byte) 1);
                server.receive(got);
                assertThat(got.getData()[0]).as("the 2nd was dropped by the rule").isEqualTo((byte) 3);
                server.send(new DatagramPacket(new byte[] {5}, 1, client.getLocalSocketAddress()));
                server.send(new DatagramPacket(new byte[] {6}, 1, client.getLocalSocketAddress()));
                client.receive(got);
                assertThat(got.getData()[0]).isEqualTo((byte) 6);
                assertThat(seen).containsExactly("CLIENT 1 x1", "CLIENT 2 x0", "CLIENT 3 x1", "SERVER 5 x0", "SERVER 6 x1");
                assertThat(link.stats(Link.Side.CLIENT).lost()).isEqualTo(1);
                assertThat(link.stats(Link.Side.SERVER).lost()).isEqualTo(1);

                link.tap(null);
                link.dropWhen(Link.Side.CLIENT, null);
                client.send(new DatagramPacket(new byte[] {2}, 1, server.getLocalSocketAddress()));
                server.receive(got);
                assertThat(got.getData()[0]).as("no rule any more").isEqualTo((byte) 2);
                assertThat(seen).as("no tap any more").hasSize(5);
            }
        }
    }

    @Test
    void while_cut_nothing_crosses() throws Exception {
        try (Link link = Link.open(config("seed=7"))) {
            DatagramSocket server = link.call(Link.Side.SERVER, () -> new DatagramSocket(new InetSocketAddress(Link.SERVER_ADDRESS, 0)));
            DatagramSocket client = link.call(Link.Side.CLIENT, () -> new DatagramSocket(new InetSocketAddress(Link.CLIENT_ADDRESS, 0)));
            try (server; client) {
                server.setSoTimeout(5_000);
                client.send(new DatagramPacket(new byte[] {1}, 1, server.getLocalSocketAddress()));
                server.receive(new DatagramPacket(new byte[10], 10));
                link.cut(true);
                client.send(new DatagramPacket(new byte[] {2}, 1, server.getLocalSocketAddress()));
                server.setSoTimeout(300); // a bounded wait, only to show that it never comes
                try {
                    server.receive(new DatagramPacket(new byte[10], 10));
                    throw new AssertionError("a datagram crossed a cut link");
                } catch (SocketTimeoutException expected) {
                    assertThat(link.stats(Link.Side.CLIENT).cut()).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void closing_removes_both_namespaces_and_a_crashed_runs_leftovers_are_removed_by_the_next() throws Exception {
        Link link = Link.open(config("seed=7"));
        List<String> names = List.of(link.namespace(Link.Side.CLIENT), link.namespace(Link.Side.SERVER));
        assertThat(Link.namespaces()).containsAll(names);
        link.close();
        assertThat(Link.namespaces()).doesNotContainAnyElementsOf(names);

        String leftover = Link.PREFIX + "999999999-1-client"; // above any pid: its run has ended
        Link.ip("netns", "add", leftover);
        assertThat(Link.cleanLeftovers()).isEqualTo(1);
        assertThat(Link.namespaces()).doesNotContain(leftover);
    }

    @Test
    void the_command_runs_server_and_client_across_the_link_and_returns_the_clients_status() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Link.run(new String[] {"--delay", "5ms", "--seed", "3", "--time", "30",
                "--server", "echo listening on $LINK_SERVER; exec sleep 30",
                "--client", "ip -4 -o addr show | grep -q $LINK_CLIENT && exit 3"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(3);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("server: listening on 198.18.0.2");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("seed=3");
    }
}
