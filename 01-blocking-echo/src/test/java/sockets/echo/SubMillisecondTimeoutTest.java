package sockets.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@link Duration} under a millisecond narrowed with {@code toMillis()} is 0, and a socket reads a
 * timeout of 0 as "wait forever". Every timeout in this lesson goes through
 * {@code sockets.cli.Timeouts}, which rounds it up to 1 ms: the smallest timeout still times out.
 */
@Timeout(20)
@Tag("pitfall")
class SubMillisecondTimeoutTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void connect_with_a_one_nanosecond_timeout_times_out_instead_of_waiting_forever() throws Exception {
        List<Socket> fillers = new ArrayList<>();
        try (ServerSocket listener = new ServerSocket(0, 1, LOOPBACK)) { // never accepts
            InetSocketAddress target = (InetSocketAddress) listener.getLocalSocketAddress();
            // Fill the accept queue: once it is full, the kernel drops further SYNs and a connect waits.
            boolean full = false;
            for (int i = 0; i < 16 && !full; i++) {
                Socket s = new Socket();
                fillers.add(s);
                try {
                    s.connect(target, 500);
                } catch (SocketTimeoutException e) {
                    full = true;
                }
            }
            assertThat(full).as("the accept queue filled up").isTrue();

            assertThatThrownBy(() -> EchoClient.connect(List.of(LOOPBACK), target.getPort(), Duration.ofNanos(1)).close())
                    .isInstanceOf(SocketTimeoutException.class);
        } finally {
            for (Socket s : fillers) {
                s.close();
            }
        }
    }

    @Test
    void a_server_with_a_one_nanosecond_idle_timeout_disconnects_a_silent_client() throws Exception {
        try (RunningEchoServer server = RunningEchoServer.start(Duration.ofNanos(1)); Socket s = server.connect()) {
            s.setSoTimeout(10_000);
            assertThat(s.getInputStream().read()).as("the server closed the silent connection").isEqualTo(-1);
        }
    }

    @Test
    void a_zero_idle_timeout_is_refused_before_anything_is_bound() {
        assertThatThrownBy(() -> EchoServer.bind(new InetSocketAddress(LOOPBACK, 0), Duration.ZERO,
                new PrintStream(PrintStream.nullOutputStream())))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
