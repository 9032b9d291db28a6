package sockets.udp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Loss and duplication, made to happen by {@link LossyRelay} at fixed places: a client that
 * trusts the network hangs or gets things processed twice; numbered, retried requests complete,
 * each processed exactly once.
 */
@Timeout(60)
class LossTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Nested
    @Tag("pitfall")
    class Pitfall {

        @Test
        void a_client_without_a_timeout_waits_for_ever_when_the_answer_is_lost() throws Exception {
            try (RunningUdpServer server = new RunningUdpServer(false);
                 LossyRelay relay = new LossyRelay(server.address(), LossyRelay.Rule.drop(LossyRelay.Direction.TO_CLIENT, 0));
                 DatagramSocket socket = new DatagramSocket()) {
                socket.connect(relay.address());
                CompletableFuture<byte[]> answer = CompletableFuture.supplyAsync(() -> {
                    try {
                        return NaiveUdpClient.request(socket, b("hello"));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, Thread::startVirtualThread);

                // A bounded wait, to show the answer never comes: the relay dropped it.
                assertThat(answer).failsWithin(500, TimeUnit.MILLISECONDS).withThrowableOfType(TimeoutException.class);
            }
        }

        @Test
        void retrying_without_a_request_id_gets_the_request_processed_twice() throws Exception {
            try (RunningUdpServer server = new RunningUdpServer(false);
                 LossyRelay relay = new LossyRelay(server.address(), LossyRelay.Rule.drop(LossyRelay.Direction.TO_CLIENT, 0));
                 DatagramSocket socket = new DatagramSocket()) {
                socket.connect(relay.address());
                socket.setSoTimeout(2_000); // long enough that only the dropped answer times out

                byte[] answer = NaiveUdpClient.requestWithBlindRetries(socket, b("withdraw 100"), 3);

                assertThat(answer).isEqualTo(UdpServer.REPLY);
                assertThat(server.server.processed()).as("times the one request was processed").isEqualTo(2);
            }
        }

        @Test
        void a_duplicated_request_without_an_id_is_processed_twice() throws Exception {
            try (RunningUdpServer server = new RunningUdpServer(false);
                 LossyRelay relay = new LossyRelay(server.address(),
                         LossyRelay.Rule.at(LossyRelay.Direction.TO_SERVER, LossyRelay.Action.DUPLICATE, 0));
                 DatagramSocket socket = new DatagramSocket()) {
                socket.connect(relay.address());
                socket.setSoTimeout(10_000);
                NaiveUdpClient.request(socket, b("withdraw 100"));
                NaiveUdpClient.request(socket, b("withdraw 5")); // its "answer" is really the duplicate's
                // The real answer to "withdraw 5" is still on its way; once it is here, the server
                // has certainly processed everything it received.
                socket.receive(new java.net.DatagramPacket(new byte[64], 64));
                assertThat(server.server.processed()).isEqualTo(3); // two requests, three withdrawals
            }
        }
    }

    @Nested
    @Tag("fix")
    class Fix {

        @Test
        void a_numbered_request_is_retried_past_a_lost_answer_and_processed_once() throws Exception {
            try (RunningUdpServer server = new RunningUdpServer(false);
                 LossyRelay relay = new LossyRelay(server.address(), LossyRelay.Rule.drop(LossyRelay.Direction.TO_CLIENT, 0));
                 DatagramSocket socket = new DatagramSocket()) {
                socket.connect(relay.address());
                UdpClient.Answer answer = new UdpClient(socket, Duration.ofMillis(1_000), 3).request(b("withdraw 100"));

                assertThat(answer.body()).isEqualTo(UdpServer.REPLY);
                // The first answer is always dropped, so at least one retry; a loaded machine may
                // need another, which changes nothing that matters: the request ran once.
                assertThat(answer.attempts()).isGreaterThanOrEqualTo(2);
                assertThat(server.server.processed()).isEqualTo(1);
            }
        }

        @Test
        void a_lost_request_is_sent_again() throws Exception {
            try (RunningUdpServer server = new RunningUdpServer(false);
                 LossyRelay relay = new LossyRelay(server.address(), LossyRelay.Rule.drop(LossyRelay.Direction.TO_SERVER, 0, 1));
                 DatagramSocket socket = new DatagramSocket()) {
                socket.connect(relay.address());
                UdpClient.Answer answer = new UdpClient(socket, Duration.ofMillis(1_000), 3).request(b("hello"));
                assertThat(answer.attempts()).isGreaterThanOrEqualTo(3); // the first two never arrived
                assertThat(server.server.processed()).isEqualTo(1);
            }
        }

        @Test
        void a_duplicated_request_is_processed_once_and_its_extra_answer_is_ignored() throws Exception {
            try (RunningUdpServer server = new RunningUdpServer(true);
                 LossyRelay relay = new LossyRelay(server.address(),
                         LossyRelay.Rule.at(LossyRelay.Direction.TO_SERVER, LossyRelay.Action.DUPLICATE, 0));
                 DatagramSocket socket = new DatagramSocket()) {
                socket.connect(relay.address());
                UdpClient client = new UdpClient(socket, Duration.ofSeconds(5), 0);
                assertThat(client.request(b("first")).body()).isEqualTo(b("first"));
                assertThat(client.request(b("second")).body()).isEqualTo(b("second")); // not the duplicate "first"
                assertThat(server.server.processed()).isEqualTo(2);
            }
        }

        @Test
        void fifty_requests_through_seeded_loss_and_duplication_each_complete_exactly_once() throws Exception {
            try (RunningUdpServer server = new RunningUdpServer(true);
                 LossyRelay relay = new LossyRelay(server.address(), LossyRelay.Rule.seeded(7, 0.2, 0.2));
                 DatagramSocket socket = new DatagramSocket()) {
                socket.connect(relay.address());
                UdpClient client = new UdpClient(socket, Duration.ofMillis(100), 40); // a late answer only costs a retry
                for (int i = 0; i < 50; i++) {
                    assertThat(client.request(b("request " + i)).body()).isEqualTo(b("request " + i));
                }
                assertThat(server.server.processed()).isEqualTo(50);
                assertThat(relay.dropped.get()).isPositive();
                assertThat(relay.duplicated.get()).isPositive();
            }
        }

        @Test
        void a_reordered_late_answer_is_not_taken_for_the_next_one() throws Exception {
            try (RunningUdpServer server = new RunningUdpServer(true);
                 LossyRelay relay = new LossyRelay(server.address(),
                         LossyRelay.Rule.at(LossyRelay.Direction.TO_CLIENT, LossyRelay.Action.HOLD, 0));
                 DatagramSocket socket = new DatagramSocket()) {
                socket.connect(relay.address());
                UdpClient client = new UdpClient(socket, Duration.ofMillis(300), 5);
                // The first answer is held back until the second one passes: the client times out,
                // sends again, and must not mistake anything for the wrong request's answer.
                assertThat(client.request(b("one")).body()).isEqualTo(b("one"));
                assertThat(client.request(b("two")).body()).isEqualTo(b("two"));
                assertThat(server.server.processed()).isEqualTo(2);
            }
        }
    }
}
