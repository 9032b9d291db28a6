package sockets.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link EchoClient#stream}: standard input to the server, its echo to standard output. */
@Tag("fix")
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StreamingClientTest {

    @Test
    void when_the_server_closes_while_standard_input_is_idle_the_client_ends_at_once_with_a_clear_error()
            throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             PipedOutputStream keyboard = new PipedOutputStream();
             InputStream idleInput = new PipedInputStream(keyboard)) { // a user who types nothing
            server.accept().close(); // the server hangs up on us
            socket.setSoTimeout(10_000);
            // Before the fix, the client waited for its sender, which waits for input that never comes.
            assertThatThrownBy(() -> EchoClient.stream(socket, idleInput, new ByteArrayOutputStream()))
                    .isInstanceOf(EOFException.class)
                    .hasMessageContaining("while there was still input to send");
        }
    }

    @Test
    void when_the_input_ends_first_the_whole_echo_arrives_and_the_client_ends_cleanly() throws Exception {
        try (RunningEchoServer server = RunningEchoServer.start(); Socket socket = server.connect()) {
            socket.setSoTimeout(10_000);
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            long echoed = EchoClient.stream(socket, new ByteArrayInputStream("line one\nline two\n".getBytes(StandardCharsets.UTF_8)), sink);
            assertThat(echoed).isEqualTo(18);
            assertThat(sink.toString(StandardCharsets.UTF_8)).isEqualTo("line one\nline two\n");
        }
    }

    @Test
    void the_echo_is_flushed_as_it_arrives_so_a_buffered_standard_output_shows_it() throws Exception {
        try (RunningEchoServer server = RunningEchoServer.start(); Socket socket = server.connect()) {
            socket.setSoTimeout(10_000);
            ByteArrayOutputStream shown = new ByteArrayOutputStream();
            java.io.OutputStream terminal = new java.io.BufferedOutputStream(shown, 1 << 16); // like System.out
            EchoClient.stream(socket, new ByteArrayInputStream("hello\n".getBytes(StandardCharsets.UTF_8)), terminal);
            assertThat(shown.toString(StandardCharsets.UTF_8)).isEqualTo("hello\n");
        }
    }

    @Test
    void a_failure_to_send_is_reported_not_swallowed() throws Exception {
        try (RunningEchoServer server = RunningEchoServer.start(); Socket socket = server.connect()) {
            socket.setSoTimeout(10_000);
            InputStream broken = new InputStream() {
                @Override
                public int read() throws java.io.IOException {
                    throw new java.io.IOException("standard input broke");
                }
            };
            assertThatThrownBy(() -> EchoClient.stream(socket, broken, new ByteArrayOutputStream()))
                    .isInstanceOf(java.io.IOException.class).hasMessage("standard input broke");
        }
    }

    @Test
    void round_trip_reports_a_failed_send_even_when_an_echo_came_back() {
        java.io.OutputStream broken = new java.io.OutputStream() {
            @Override
            public void write(int b) throws java.io.IOException {
                throw new java.io.IOException("connection reset");
            }
        };
        // An "echo" is there to read, but the request never went out: that must not pass for success.
        assertThatThrownBy(() -> EchoClient.roundTrip(new ByteArrayInputStream(new byte[4]), broken, new byte[4]))
                .isInstanceOf(java.io.IOException.class).hasMessage("connection reset");
    }

    @Test
    void round_trip_flushes_a_buffered_request_so_the_server_gets_it() throws Exception {
        try (RunningEchoServer server = RunningEchoServer.start(); Socket socket = server.connect()) {
            socket.setSoTimeout(10_000);
            java.io.OutputStream buffered = new java.io.BufferedOutputStream(socket.getOutputStream(), 1 << 16);
            assertThat(EchoClient.roundTrip(socket.getInputStream(), buffered, "flushed".getBytes(StandardCharsets.UTF_8)))
                    .asString(StandardCharsets.UTF_8).isEqualTo("flushed");
        }
    }
}
