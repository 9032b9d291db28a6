package sockets.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Readers at their limits, and the server's own account of each connection. */
@Tag("fix")
class ReaderEdgesTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void the_five_digit_reader_takes_a_frame_of_exactly_its_limit_and_refuses_one_byte_more() throws Exception {
        assertThat(new AsciiLengthReader(ScriptedInputStream.of(b("00003abc")), 3).readFrame()).isEqualTo(b("abc"));
        assertThatThrownBy(() -> new AsciiLengthReader(ScriptedInputStream.of(b("00004abcd")), 3).readFrame())
                .isInstanceOf(FramingException.class);
    }

    @Test
    void the_close_delimited_reader_takes_exactly_its_limit_then_nothing_more() throws Exception {
        CloseDelimitedReader reader = new CloseDelimitedReader(ScriptedInputStream.of(b("abc")), 3);
        assertThat(reader.readFrame()).isEqualTo(b("abc"));
        assertThat(reader.readFrame()).isNull(); // one message per connection
        assertThatThrownBy(() -> new CloseDelimitedReader(ScriptedInputStream.of(b("abcd")), 3).readFrame())
                .isInstanceOf(FramingException.class);
    }

    @Test
    void the_typed_reader_accepts_types_0_to_255_and_refuses_others_when_built() throws Exception {
        TypedReader reader = new TypedReader(ScriptedInputStream.of(new byte[] {0, (byte) 255, 'x'}), Map.of(0, 0, 255, 1));
        assertThat(reader.readFrame()).isEqualTo(new byte[] {0});
        assertThat(reader.readFrame()).isEqualTo(new byte[] {(byte) 255, 'x'});
        assertThat(reader.readFrame()).isNull();
        assertThatThrownBy(() -> new TypedReader(ScriptedInputStream.of(), Map.of(-1, 1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TypedReader(ScriptedInputStream.of(), Map.of(256, 1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TypedReader(ScriptedInputStream.of(), Map.of(1, -1))).isInstanceOf(IllegalArgumentException.class);
        assertThat(new TypedReader(ScriptedInputStream.of(new byte[] {7}), Map.of(7, 0)).readFrame()).isEqualTo(new byte[] {7});
    }

    @Test
    void a_delimited_reader_with_a_long_delimiter_leaves_room_for_it_within_the_limit() throws Exception {
        // Limit 4 and a 4-byte delimiter: a 4-byte frame plus its delimiter (8 bytes) must fit.
        DelimitedReader reader = new DelimitedReader(ScriptedInputStream.splitAt(b("abcd\r\n\r\nefgh\r\n\r\n"), 3, 6, 9),
                b("\r\n\r\n"), 4);
        assertThat(reader.readFrame()).isEqualTo(b("abcd"));
        assertThat(reader.readFrame()).isEqualTo(b("efgh"));
        assertThat(reader.readFrame()).isNull();
        assertThatThrownBy(() -> new DelimitedReader(ScriptedInputStream.of(b("abcde\r\n\r\n")), b("\r\n\r\n"), 4).readFrame())
                .isInstanceOf(FramingException.class);
    }

    @Test
    void the_server_logs_how_many_frames_each_client_sent_in_the_right_number() throws Exception {
        try (RunningFramingServer server = RunningFramingServer.length()) {
            String one;
            String three;
            try (Socket s = server.connect()) {
                one = "127.0.0.1:" + s.getLocalPort();
                RunningFramingServer.exchange(s, b("only"));
            }
            try (Socket s = server.connect()) {
                three = "127.0.0.1:" + s.getLocalPort();
                for (int i = 0; i < 3; i++) {
                    RunningFramingServer.exchange(s, b("n" + i));
                }
            }
            server.awaitLog(one + " finished after 1 frame\n");
            server.awaitLog(three + " finished after 3 frames\n");
        }
    }

    @Test
    void a_client_that_sends_nothing_for_the_idle_timeout_is_disconnected_and_a_stop_ends_the_server() throws Exception {
        RunningFramingServer server = new RunningFramingServer(FramingServer.Framing.LENGTH, 1 << 20, 10,
                Duration.ofSeconds(1), Duration.ofSeconds(30));
        try (Socket silent = server.connect()) {
            silent.setSoTimeout(20_000);
            assertThat(FramingServerTest.readOrReset(silent.getInputStream())).isEqualTo(-1);
            server.awaitLog("sent nothing for 1000 ms; disconnected");
            assertThat(server.server.awaitStopped(Duration.ofMillis(1))).as("still serving").isFalse();
        }
        try (Socket open = server.connect()) {
            open.setSoTimeout(20_000);
            RunningFramingServer.exchange(open, b("x"));
            server.close(); // closes the listener and every connection
            assertThat(server.server.awaitStopped(Duration.ofSeconds(10))).isTrue();
            assertThat(FramingServerTest.readOrReset(open.getInputStream())).isEqualTo(-1);
        }
    }

    @Test
    void a_frame_of_exactly_the_server_limit_is_echoed() throws Exception {
        try (RunningFramingServer server = new RunningFramingServer(FramingServer.Framing.LENGTH, 100, Duration.ofSeconds(30));
             Socket s = server.connect()) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(ByteBuffer.allocate(104).putInt(100).array());
            assertThat(s.getInputStream().readNBytes(104)).hasSize(104);
        }
    }
}
