package sockets.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Connecting: E-02 (a name has several addresses), E-03 (which exception means what) and E-10
 * (a connect that succeeds before anyone accepts). Names resolve through {@link TestNameResolver},
 * never through the machine's DNS.
 */
@Timeout(30)
class ConnectingTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Nested
    @Tag("pitfall")
    class Pitfall {

        @Test
        @EnabledOnOs(value = OS.LINUX, disabledReason = "needs 127.0.0.2 to be a local address, as on Linux")
        void new_socket_with_a_host_name_tries_only_the_first_address() throws Exception {
            try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK)) { // listens on 127.0.0.1 only
                assertThat(InetAddress.getAllByName(TestNameResolver.TWO_ADDRESSES)).hasSize(2);

                assertThatThrownBy(() -> NaiveEchoClient.connect(TestNameResolver.TWO_ADDRESSES, server.getLocalPort()))
                        .isInstanceOf(ConnectException.class);
            }
        }

        @Test
        void connect_and_write_succeed_although_no_one_has_called_accept() throws Exception {
            try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK);
                 Socket client = new Socket(LOOPBACK, server.getLocalPort())) {
                assertThat(client.isConnected()).isTrue();
                client.getOutputStream().write("Hello".getBytes(StandardCharsets.US_ASCII));

                // Only now does the server accept: the kernel had finished the handshake and
                // kept the bytes in the accepted connection's buffer.
                try (Socket accepted = server.accept()) {
                    assertThat(accepted.getInputStream().readNBytes(5)).asString(StandardCharsets.US_ASCII)
                            .isEqualTo("Hello");
                }
            }
        }

        @Test
        void a_client_of_a_busy_blocking_server_is_connected_but_not_served() throws Exception {
            try (RunningEchoServer server = RunningEchoServer.start();
                 Socket first = server.connect();
                 Socket second = server.connect()) {
                first.getOutputStream().write('a');
                assertThat(first.getInputStream().read()).isEqualTo('a'); // the server is serving "first"

                second.getOutputStream().write('b'); // succeeds: the bytes wait in the backlog
                second.setSoTimeout(300);
                // A bounded wait, to show the echo does not come while "first" holds the server.
                assertThatThrownBy(() -> second.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            }
        }
    }

    @Nested
    @Tag("fix")
    class Fix {

        @Test
        @EnabledOnOs(value = OS.LINUX, disabledReason = "needs 127.0.0.2 to be a local address, as on Linux")
        void connect_tries_every_address_until_one_accepts() throws Exception {
            try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK);
                 Socket socket = EchoClient.connect(TestNameResolver.TWO_ADDRESSES, server.getLocalPort(),
                         Duration.ofSeconds(5))) {
                assertThat(socket.getInetAddress().getHostAddress()).isEqualTo("127.0.0.1");
            }
        }

        @Test
        @EnabledOnOs(value = OS.LINUX, disabledReason = "needs 127.0.0.2 to be a local address, as on Linux")
        void echo_client_reaches_a_server_listening_on_only_the_second_address() throws Exception {
            try (RunningEchoServer server = RunningEchoServer.start()) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                int status = EchoClient.run(new String[] {"--host", TestNameResolver.TWO_ADDRESSES,
                        "--port", String.valueOf(server.port()), "hello"},
                        new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

                assertThat(status).isZero();
                assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("hello\n");
            }
        }

        @Test
        void every_failed_attempt_is_kept_when_no_address_accepts() throws Exception {
            int closedPort;
            try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
                closedPort = s.getLocalPort();
            }
            assertThatThrownBy(() -> EchoClient.connect(List.of(LOOPBACK, LOOPBACK), closedPort, Duration.ofSeconds(2)))
                    .isInstanceOf(ConnectException.class)
                    .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
        }

        @Test
        void a_client_that_bounds_its_wait_is_served_once_the_server_is_free() throws Exception {
            try (RunningEchoServer server = RunningEchoServer.start();
                 Socket second = new Socket()) {
                try (Socket first = server.connect()) {
                    first.getOutputStream().write('a');
                    assertThat(first.getInputStream().read()).isEqualTo('a');
                    second.connect(new InetSocketAddress(LOOPBACK, server.port()));
                    second.getOutputStream().write('b');
                    second.setSoTimeout(300);
                    assertThatThrownBy(() -> second.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
                } // "first" leaves

                second.setSoTimeout(10_000);
                // The socket is still usable after a read timeout; the byte sent long ago is echoed now.
                assertThat(second.getInputStream().read()).isEqualTo('b');
            }
        }
    }

    /** E-03: know which exception means what. */
    @Nested
    @Tag("fix")
    class Failures {

        @Test
        void connecting_to_a_port_nobody_listens_on_is_refused() throws Exception {
            int closedPort;
            try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
                closedPort = s.getLocalPort();
            }
            assertThatThrownBy(() -> new Socket(LOOPBACK, closedPort)).isInstanceOf(ConnectException.class);
        }

        @Test
        void an_unknown_host_fails_before_any_connect() {
            assertThatThrownBy(() -> EchoClient.connect("no-such-host.invalid", 5001, Duration.ofSeconds(1)))
                    .isInstanceOf(UnknownHostException.class);
        }

        @Test
        void echo_client_says_what_went_wrong_in_one_line_and_exits_1() throws Exception {
            int closedPort;
            try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
                closedPort = s.getLocalPort();
            }
            assertThat(runClient("--host", "no-such-host.invalid", "hi"))
                    .isEqualTo("1|EchoClient: unknown host 'no-such-host.invalid'\n");
            assertThat(runClient("--port", String.valueOf(closedPort), "hi"))
                    .startsWith("1|EchoClient: cannot connect to 127.0.0.1:" + closedPort + ": ")
                    .endsWith("is the server running?\n")
                    .doesNotContain("Exception");
        }

        @Test
        void closing_a_socket_twice_is_harmless() throws Exception {
            Socket s = new Socket();
            s.close();
            assertThatCode(s::close).doesNotThrowAnyException();
        }

        private String runClient(String... args) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = EchoClient.run(args, new ByteArrayInputStream(new byte[0]),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            return status + "|" + err.toString(StandardCharsets.UTF_8);
        }
    }
}
