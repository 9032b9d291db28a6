package sockets.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@link UdpServer} and {@link UdpClient} without loss: what comes back, what is remembered, what is refused. */
@Tag("fix")
class UdpServerTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] ask(DatagramSocket s, byte[] request) throws Exception {
        s.send(new DatagramPacket(request, request.length));
        DatagramPacket reply = new DatagramPacket(new byte[70_000], 70_000);
        s.receive(reply);
        return Arrays.copyOf(reply.getData(), reply.getLength());
    }

    @Test
    void a_request_without_an_id_gets_the_seeds_answer_and_one_with_an_id_gets_it_back_with_the_id() throws Exception {
        try (RunningUdpServer server = new RunningUdpServer(false); DatagramSocket s = new DatagramSocket()) {
            s.connect(server.address());
            s.setSoTimeout(10_000);
            assertThat(ask(s, b("Hello you there!"))).isEqualTo(UdpServer.REPLY);
            assertThat(new String(ask(s, b("#7 hello")), StandardCharsets.UTF_8)).isEqualTo("#7 Got your message!");
            assertThat(new String(ask(s, b("#0 zero")), StandardCharsets.UTF_8)).isEqualTo("#0 Got your message!");
            assertThat(server.server.processed()).isEqualTo(3);
            assertThat(server.server.awaitStopped(Duration.ofMillis(1))).as("still serving").isFalse();
            assertThat(server.log()).contains(": 16 bytes: Hello you there!");
        }
    }

    @Test
    void in_echo_mode_the_answer_is_the_request_itself_id_included() throws Exception {
        try (RunningUdpServer server = new RunningUdpServer(true); DatagramSocket s = new DatagramSocket()) {
            s.connect(server.address());
            s.setSoTimeout(10_000);
            assertThat(ask(s, b("#9 same"))).isEqualTo(b("#9 same"));
            assertThat(ask(s, b("plain"))).isEqualTo(b("plain"));
        }
    }

    @Test
    void a_repeated_id_from_the_same_sender_is_answered_from_memory_and_not_processed_again() throws Exception {
        try (RunningUdpServer server = new RunningUdpServer(false); DatagramSocket s = new DatagramSocket();
             DatagramSocket other = new DatagramSocket()) {
            s.connect(server.address());
            other.connect(server.address());
            s.setSoTimeout(10_000);
            other.setSoTimeout(10_000);
            ask(s, b("#1 pay 10"));
            ask(s, b("#1 pay 10"));
            assertThat(server.server.processed()).isEqualTo(1);
            ask(other, b("#1 pay 10")); // the same number from another sender is another request
            assertThat(server.server.processed()).isEqualTo(2);
        }
    }

    @Test
    void the_memory_of_answers_is_bounded_so_the_oldest_is_forgotten() throws Exception {
        try (RunningUdpServer server = new RunningUdpServer(false); DatagramSocket s = new DatagramSocket()) {
            s.connect(server.address());
            s.setSoTimeout(10_000);
            for (int id = 0; id <= UdpServer.REMEMBERED_REPLIES; id++) { // one more than it remembers
                ask(s, b("#" + id + " x"));
            }
            long processed = server.server.processed();
            ask(s, b("#" + UdpServer.REMEMBERED_REPLIES + " x")); // the newest: remembered
            ask(s, b("#1 x")); // the second oldest: still remembered, exactly the limit is kept
            assertThat(server.server.processed()).isEqualTo(processed);
            ask(s, b("#0 x")); // the oldest: forgotten, so processed again
            assertThat(server.server.processed()).isEqualTo(processed + 1);
        }
    }

    @Test
    void a_datagram_over_the_limit_is_dropped_and_logged_never_processed_cut_short() throws Exception {
        try (RunningUdpServer server = new RunningUdpServer(false); DatagramSocket s = new DatagramSocket()) {
            s.connect(server.address());
            byte[] big = new byte[UdpServer.DEFAULT_MAX_DATAGRAM + 1];
            s.send(new DatagramPacket(big, big.length));
            s.setSoTimeout(300); // a bounded wait, to show no answer comes
            assertThatThrownBy(() -> s.receive(new DatagramPacket(new byte[10], 10))).isInstanceOf(SocketTimeoutException.class);
            s.setSoTimeout(10_000);
            assertThat(ask(s, b("small"))).isEqualTo(UdpServer.REPLY); // and the server is fine
            assertThat(server.server.processed()).isEqualTo(1);
            assertThat(server.log()).contains("datagram larger than " + UdpServer.DEFAULT_MAX_DATAGRAM + " bytes; dropped");
        }
    }

    @Test
    void the_client_needs_a_connected_socket_and_counts_its_attempts() throws Exception {
        try (DatagramSocket unconnected = new DatagramSocket()) {
            assertThatThrownBy(() -> new UdpClient(unconnected, Duration.ofSeconds(1), 0))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        try (RunningUdpServer server = new RunningUdpServer(true); DatagramSocket s = new DatagramSocket()) {
            s.connect(server.address());
            UdpClient client = new UdpClient(s, Duration.ofSeconds(5), 2);
            UdpClient.Answer answer = client.request(b("first try"));
            assertThat(answer.body()).isEqualTo(b("first try"));
            assertThat(answer.attempts()).isEqualTo(1);
        }
    }

    @Test
    void with_nobody_answering_the_client_gives_up_after_all_its_tries() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress());
             DatagramSocket s = new DatagramSocket()) {
            s.connect(silent.getLocalSocketAddress());
            UdpClient client = new UdpClient(s, Duration.ofMillis(100), 2);
            long start = System.nanoTime();
            assertThatThrownBy(() -> client.request(b("anyone?"))).isInstanceOf(SocketTimeoutException.class)
                    .hasMessage("no answer after 3 tries of 100 ms each");
            // Three waits of 100 ms; a socket timeout may end a little before its millisecond is up.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(290));
            int received = 0;
            silent.setSoTimeout(2_000);
            for (int i = 0; i < 3; i++) { // all three tries reached the silent peer
                silent.receive(new DatagramPacket(new byte[100], 100));
                received++;
            }
            assertThat(received).isEqualTo(3);
        }
    }

    @Test
    void the_datagram_limit_runs_from_1_to_the_largest_ipv4_payload() throws Exception {
        java.net.InetSocketAddress any = new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0);
        java.io.PrintStream quiet = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
        UdpServer.bind(any, false, 1, quiet).close();
        UdpServer.bind(any, false, Datagrams.LARGEST_IPV4_PAYLOAD, quiet).close();
        assertThatThrownBy(() -> UdpServer.bind(any, false, 0, quiet)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UdpServer.bind(any, false, Datagrams.LARGEST_IPV4_PAYLOAD + 1, quiet))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
