package sockets.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@link Datagrams}: request ids, log-safe text, and receiving with the truncation check at its edge. */
@Tag("fix")
class DatagramsTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void a_request_id_is_hash_digits_space_and_anything_else_is_no_id() {
        assertThat(Datagrams.requestId(b("#1 x"))).isEqualTo(1);
        assertThat(Datagrams.requestId(b("#17 hello"))).isEqualTo(17);
        assertThat(Datagrams.requestId(b("#0 "))).isZero();
        assertThat(Datagrams.requestId(b("#123456789012345678 big"))).isEqualTo(123_456_789_012_345_678L);
        assertThat(Datagrams.requestId(b("#1234567890123456789 max"))).isEqualTo(1_234_567_890_123_456_789L); // 19 digits
        assertThat(Datagrams.requestId(b("#12345678901234567890 over"))).isEqualTo(-1); // 20: could overflow
        for (String none : new String[] {"", "#", "#1", "#1x", "# x", "#x1 y", "17 hello", "ab", "#12"}) {
            assertThat(Datagrams.requestId(b(none))).as("'%s'", none).isEqualTo(-1);
        }
    }

    @Test
    void with_id_puts_the_id_and_a_space_before_the_body_and_reads_back() {
        byte[] framed = Datagrams.withId(42, b("answer"));
        assertThat(new String(framed, StandardCharsets.UTF_8)).isEqualTo("#42 answer");
        assertThat(Datagrams.requestId(framed)).isEqualTo(42);
    }

    @Test
    void printable_escapes_control_characters_so_a_datagram_cannot_forge_log_lines() {
        assertThat(Datagrams.printable(b("a\nb\u0007c\u007f"), 100)).isEqualTo("a\\x0ab\\x07c\\x7f");
        assertThat(Datagrams.printable(b("café"), 100)).isEqualTo("café");
        assertThat(Datagrams.printable(b("abcdef"), 6)).isEqualTo("abcdef"); // exactly the most: whole
        assertThat(Datagrams.printable(b("abcdefg"), 6)).isEqualTo("abcdef…");
    }

    @Test
    void a_datagram_of_exactly_the_limit_is_delivered_and_one_byte_more_is_reported_too_large() throws Exception {
        try (DatagramChannel receiver = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             DatagramChannel sender = DatagramChannel.open()) {
            ByteBuffer buffer = ByteBuffer.allocate(101);
            sender.send(ByteBuffer.wrap(new byte[100]), receiver.getLocalAddress());
            Datagrams.Received fits = Datagrams.receive(receiver, buffer, 100);
            assertThat(fits.tooLarge()).isFalse();
            assertThat(fits.payload()).hasSize(100);
            assertThat(((InetSocketAddress) fits.sender()).getPort()).isEqualTo(((InetSocketAddress) sender.getLocalAddress()).getPort());

            sender.send(ByteBuffer.wrap(new byte[101]), receiver.getLocalAddress());
            Datagrams.Received over = Datagrams.receive(receiver, buffer, 100);
            assertThat(over.tooLarge()).isTrue();
            assertThat(over.payload()).isEmpty();

            assertThatThrownBy(() -> Datagrams.receive(receiver, ByteBuffer.allocate(100), 100))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void in_non_blocking_mode_nothing_waiting_is_null() throws Exception {
        try (DatagramChannel receiver = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            receiver.configureBlocking(false);
            assertThat(Datagrams.receive(receiver, ByteBuffer.allocate(11), 10)).isNull();
        }
    }
}
