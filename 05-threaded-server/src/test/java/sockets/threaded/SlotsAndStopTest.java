package sockets.threaded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Connection slots are given back, refusals are bounded but never stuck, and the server says what it did. */
@Tag("fix")
class SlotsAndStopTest {

    @Test
    void with_one_slot_clients_one_after_another_are_all_served_because_each_gives_its_slot_back() throws Exception {
        try (ClientListTest.Running r = new ClientListTest.Running("virtual", Duration.ofSeconds(10), 1)) {
            for (String name : new String[] {"one", "two", "three", "four"}) {
                JsonNode answer = r.register(name);
                assertThat(ClientListClient.refusal(answer)).as(name).isNull();
                assertThat(answer.has(name)).isTrue();
                // The answer ends (FIN) just before the handler frees the slot: wait, bounded, for
                // the slot to come back, which is what this test is about.
                r.awaitFreeSlot();
                assertThat(r.server.freeSlots()).as("the slot after %s", name).isEqualTo(1);
            }
            String log = r.log.toString(StandardCharsets.UTF_8);
            assertThat(log).contains(": one registered; sent the list of 1", ": four registered; sent the list of 4");
        }
    }

    @Test
    void more_refusals_than_can_be_in_flight_at_once_each_still_get_their_answer_in_turn() throws Exception {
        try (ClientListTest.Running r = new ClientListTest.Running("virtual", Duration.ofSeconds(10), 1);
             Socket holding = r.connect()) {
            holding.getOutputStream().write("ho".getBytes(StandardCharsets.UTF_8)); // keeps the only slot
            for (int i = 0; i < ClientListServer.MAX_REFUSALS_IN_FLIGHT + 6; i++) {
                try (Socket refused = r.connect()) {
                    refused.shutdownOutput();
                    JsonNode answer = ClientListTest.JSON.readTree(refused.getInputStream().readAllBytes());
                    assertThat(ClientListClient.refusal(answer)).as("refusal %d", i).contains("too many connections");
                }
            }
            assertThat(r.log.toString(StandardCharsets.UTF_8)).contains(": refused, server busy");
        }
    }

    @Test
    void bad_and_late_names_are_logged_with_the_reason() throws Exception {
        // 2 s: the first client must get its empty name in before the deadline, even on a loaded machine.
        try (ClientListTest.Running r = new ClientListTest.Running("virtual", Duration.ofSeconds(2), 10)) {
            try (Socket s = r.connect()) {
                s.getOutputStream().write("\n".getBytes(StandardCharsets.UTF_8));
                s.getInputStream().readAllBytes();
            }
            try (Socket s = r.connect()) {
                s.getInputStream().readAllBytes(); // sends nothing: answered at the deadline
            }
            r.register("after");
            String log = r.log.toString(StandardCharsets.UTF_8);
            assertThat(log).contains(": empty name", ": sent no whole name within 2000 ms");
        }
    }

    @Test
    void a_graceful_stop_ends_serve_and_the_listener_and_an_abrupt_one_refuses_newcomers_too() throws Exception {
        ClientListTest.Running graceful = new ClientListTest.Running();
        graceful.register("x");
        assertThat(graceful.server.awaitStopped(Duration.ofMillis(1))).as("still serving").isFalse();
        int port = graceful.server.localAddress().getPort();
        graceful.server.close();
        assertThat(graceful.server.awaitStopped(Duration.ofSeconds(10))).isTrue();
        assertThatThrownBy(() -> new Socket(ClientListTest.LOOPBACK, port).close()).isInstanceOf(ConnectException.class);

        ClientListTest.Running abrupt = new ClientListTest.Running();
        int abruptPort = abrupt.server.localAddress().getPort();
        try (Socket open = abrupt.connect()) {
            abrupt.server.closeNow();
            assertThat(abrupt.server.awaitStopped(Duration.ofSeconds(10))).isTrue();
            open.setSoTimeout(10_000);
            int next;
            try {
                next = open.getInputStream().read();
            } catch (java.io.IOException reset) {
                next = -1;
            }
            assertThat(next).as("the open connection was closed").isEqualTo(-1);
        }
        assertThatThrownBy(() -> new Socket(ClientListTest.LOOPBACK, abruptPort).close()).isInstanceOf(ConnectException.class);
    }
}
