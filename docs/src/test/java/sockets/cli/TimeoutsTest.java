package sockets.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The one rule for every Duration (the copies are byte-identical; see PlumbingTest), at its edges. */
@Timeout(10)
class TimeoutsTest {

    @Test
    void zero_negative_and_null_are_refused_because_a_socket_reads_zero_as_forever() {
        assertThatThrownBy(() -> Timeouts.require(Duration.ZERO, "read timeout")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Timeouts.require(Duration.ofNanos(-1), "read timeout")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Timeouts.require(null, "read timeout")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Timeouts.millis(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Timeouts.nanos(Duration.ofMillis(-5))).isInstanceOf(IllegalArgumentException.class);
        assertThat(Timeouts.require(Duration.ofNanos(1), "x")).isEqualTo(Duration.ofNanos(1));
    }

    @Test
    void under_a_millisecond_rounds_up_to_one_never_down_to_zero() {
        assertThat(Timeouts.millis(Duration.ofNanos(1))).isEqualTo(1);
        assertThat(Timeouts.millis(Duration.ofNanos(999_999))).isEqualTo(1);
        assertThat(Timeouts.millis(Duration.ofMillis(1))).isEqualTo(1);
        assertThat(Timeouts.millis(Duration.ofNanos(1_000_001))).isEqualTo(2);
        assertThat(Timeouts.millis(Duration.ofMillis(1500))).isEqualTo(1500);
    }

    @Test
    void huge_is_the_longest_timeout_a_socket_takes_not_an_overflow() {
        assertThat(Timeouts.millis(Duration.ofMillis(Integer.MAX_VALUE))).isEqualTo(Integer.MAX_VALUE);
        assertThat(Timeouts.millis(Duration.ofMillis(Integer.MAX_VALUE).minusNanos(1))).isEqualTo(Integer.MAX_VALUE);
        assertThat(Timeouts.millis(Duration.ofMillis(Integer.MAX_VALUE - 1L))).isEqualTo(Integer.MAX_VALUE - 1);
        assertThat(Timeouts.millis(Duration.ofDays(365_000))).isEqualTo(Integer.MAX_VALUE);
        assertThat(Timeouts.millis(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(Integer.MAX_VALUE);
        assertThat(Timeouts.nanos(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(Timeouts.LONGEST_NANOS);
        assertThat(Timeouts.nanos(Duration.ofNanos(Timeouts.LONGEST_NANOS - 1))).isEqualTo(Timeouts.LONGEST_NANOS - 1);
        assertThat(Timeouts.nanos(Duration.ofNanos(7))).isEqualTo(7);
        long before = System.nanoTime();
        assertThat(Timeouts.deadline(Duration.ofSeconds(Long.MAX_VALUE)) - before).isPositive();
    }

    @Test
    void time_left_is_at_least_a_millisecond_and_a_passed_deadline_is_a_timeout() throws Exception {
        assertThat(Timeouts.millisLeft(Timeouts.deadline(Duration.ofNanos(1)) + 1_000_000_000L, "x")).isBetween(1, 1000);
        assertThat(Timeouts.millisLeft(System.nanoTime() + 10_000_000_000L, "x")).isBetween(9_000, 10_000);
        assertThatThrownBy(() -> Timeouts.millisLeft(System.nanoTime() - 1, "no frame in time"))
                .isInstanceOf(SocketTimeoutException.class).hasMessage("no frame in time");
    }

    @Test
    @Tag("fix")
    void a_sub_millisecond_read_timeout_ends_a_read_instead_of_blocking_forever() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                Socket client = new Socket(server.getInetAddress(), server.getLocalPort());
                Socket accepted = server.accept()) {
            client.setSoTimeout(Timeouts.millis(Duration.ofNanos(500_000)));
            assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        }
    }
}
