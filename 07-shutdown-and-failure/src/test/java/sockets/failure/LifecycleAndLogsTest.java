package sockets.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the server and the fault proxy tell their operator (one log line per outcome), how they
 * stop (awaitStopped, refused connects, open connections closed), and the proxy's limit, delay and
 * half-close forwarding, each checked from outside.
 */
@Tag("fix")
@Timeout(60)
class LifecycleAndLogsTest {

    private static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    /** A log a test can wait on: every line is kept; waits are bounded. */
    static final class Log {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream stream = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (Log.this) {
                    bytes.write(b);
                    Log.this.notifyAll();
                }
            }
        }, true, StandardCharsets.UTF_8);

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        /** Waits up to 10 s for {@code part} to appear; returns the log either way. */
        synchronized String awaitLine(String part) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!text().contains(part) && System.nanoTime() < deadline) {
                wait(100);
            }
            return text();
        }
    }

    private static Thread serving(Runnable serve) {
        return Thread.ofVirtual().start(serve);
    }

    private static byte[] exchange(InetSocketAddress server, String request, boolean halfClose) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(server, 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            if (halfClose) {
                s.shutdownOutput();
            }
            return s.getInputStream().readAllBytes();
        }
    }

    @Nested
    class Server {

        @Test
        void each_answer_is_logged_with_its_size_and_a_request_of_exactly_the_limit_is_answered() throws Exception {
            Log log = new Log();
            try (HalfCloseServer server = HalfCloseServer.bind(ANY, Duration.ofSeconds(10), 8, log.stream)) {
                serving(server::serve);
                assertThat(new String(exchange(server.localAddress(), "12345678", true), StandardCharsets.UTF_8)).isEqualTo("12345678");
                assertThat(log.awaitLine("answered a request of 8 bytes")).contains("answered a request of 8 bytes");
                assertThat(new String(exchange(server.localAddress(), "123456789", true), StandardCharsets.UTF_8))
                        .isEqualTo("error: request over 8 bytes\n");
                assertThat(log.awaitLine("request over 8 bytes refused")).contains("request over 8 bytes refused");
            }
        }

        @Test
        void a_request_without_an_end_gets_an_error_answer_and_a_log_line() throws Exception {
            Log log = new Log();
            try (HalfCloseServer server = HalfCloseServer.bind(ANY, Duration.ofMillis(300), 1024, log.stream)) {
                serving(server::serve);
                String answer = new String(exchange(server.localAddress(), "no end", false), StandardCharsets.UTF_8);
                assertThat(answer).startsWith("error: no end of request within 300 ms");
                assertThat(log.awaitLine("no end of request within 300 ms")).contains("did the client shut down its output?");
            }
        }

        @Test
        void a_client_that_resets_is_logged_as_a_failed_connection() throws Exception {
            Log log = new Log();
            try (HalfCloseServer server = HalfCloseServer.bind(ANY, Duration.ofSeconds(10), 1024, log.stream)) {
                serving(server::serve);
                try (Socket s = new Socket()) {
                    s.connect(server.localAddress(), 5000);
                    s.getOutputStream().write('x');
                    s.setSoLinger(true, 0); // close() sends RST
                }
                assertThat(log.awaitLine("connection failed")).contains("connection failed");
            }
        }

        @Test
        void awaitStopped_waits_for_close_which_refuses_newcomers_and_ends_open_connections() throws Exception {
            Log log = new Log();
            HalfCloseServer server = HalfCloseServer.bind(ANY, Duration.ofSeconds(30), 1024, log.stream);
            serving(server::serve);
            InetSocketAddress address = server.localAddress();
            try (Socket open = new Socket()) {
                open.connect(address, 5000);
                open.setSoTimeout(10_000);
                open.getOutputStream().write("half a request".getBytes(StandardCharsets.US_ASCII));
                assertThat(server.awaitStopped(Duration.ofMillis(50))).as("stopped before close()").isFalse();
                server.close();
                assertThat(server.awaitStopped(Duration.ofSeconds(10))).as("stopped after close()").isTrue();
                try {
                    assertThat(open.getInputStream().read()).as("the open connection ends").isEqualTo(-1);
                } catch (SocketException reset) {
                    // closed with our request unread: a reset ends it too
                }
            }
            assertThatThrownBy(() -> new Socket().connect(address, 5000)).isInstanceOf(ConnectException.class);
            assertThat(log.text()).as("a stop is not an accept failure").doesNotContain("accept failed");
        }

        @Test
        void the_single_byte_read_of_the_deadline_stream_returns_unsigned_bytes_then_end_of_stream() throws Exception {
            try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                    Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                    Socket peer = listener.accept()) {
                client.getOutputStream().write(new byte[] {(byte) 0xFF, 'A'});
                client.shutdownOutput();
                InputStream in = new HalfCloseServer.DeadlineInputStream(peer, Duration.ofSeconds(10));
                assertThat(in.read()).isEqualTo(255);
                assertThat(in.read()).isEqualTo('A');
                assertThat(in.read()).isEqualTo(-1);
            }
        }
    }

    @Nested
    class Proxy {

        /** A target that reads everything it is sent until end of stream and hands it over. */
        private static java.util.concurrent.CompletableFuture<byte[]> receiver(ServerSocket target) {
            return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try (Socket s = target.accept()) {
                    s.setSoTimeout(10_000);
                    return s.getInputStream().readAllBytes();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, Thread::startVirtualThread);
        }

        @Test
        void limit_forwards_exactly_n_bytes_across_reads_then_ends_that_direction() throws Exception {
            try (ServerSocket target = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                    FaultProxy proxy = FaultProxy.start(ANY, (InetSocketAddress) target.getLocalSocketAddress(), "limit:10", new Log().stream)) {
                java.util.concurrent.CountDownLatch firstSeven = new java.util.concurrent.CountDownLatch(1);
                var received = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try (Socket far = target.accept()) {
                        far.setSoTimeout(10_000);
                        byte[] first = far.getInputStream().readNBytes(7);
                        firstSeven.countDown();
                        byte[] rest = far.getInputStream().readAllBytes(); // until the proxy passes on its FIN
                        return new String(first, StandardCharsets.US_ASCII) + new String(rest, StandardCharsets.US_ASCII);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }, Thread::startVirtualThread);
                try (Socket s = new Socket()) {
                    s.connect(proxy.localAddress(), 5000);
                    OutputStream out = s.getOutputStream();
                    out.write("0123456".getBytes(StandardCharsets.US_ASCII));
                    // Latch-gated: the second write reaches the proxy as a read of its own.
                    assertThat(firstSeven.await(10, TimeUnit.SECONDS)).isTrue();
                    out.write("789abcdef".getBytes(StandardCharsets.US_ASCII));
                    assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo("0123456789");
                }
            }
        }

        @Test
        void delay_holds_each_piece_for_at_least_the_delay() throws Exception {
            try (ServerSocket target = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                    FaultProxy proxy = FaultProxy.start(ANY, (InetSocketAddress) target.getLocalSocketAddress(), "delay:300", new Log().stream)) {
                var received = receiver(target);
                long start = System.nanoTime();
                try (Socket s = new Socket()) {
                    s.connect(proxy.localAddress(), 5000);
                    s.getOutputStream().write('x');
                    s.shutdownOutput();
                    assertThat(received.get(10, TimeUnit.SECONDS)).containsExactly('x');
                }
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            }
        }

        @Test
        void a_half_close_is_passed_on_and_the_answer_still_comes_back() throws Exception {
            try (HalfCloseServer server = HalfCloseServer.bind(ANY, Duration.ofSeconds(10), 1024, new Log().stream);
                    FaultProxy proxy = FaultProxy.start(ANY, server.localAddress(), "pass", new Log().stream)) {
                serving(server::serve);
                assertThat(new String(exchange(proxy.localAddress(), "through", true), StandardCharsets.UTF_8)).isEqualTo("THROUGH");
            }
        }

        @Test
        void a_relayed_connection_holds_two_sockets_and_a_mode_change_is_logged() throws Exception {
            Log log = new Log();
            try (ServerSocket target = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                    FaultProxy proxy = FaultProxy.start(ANY, (InetSocketAddress) target.getLocalSocketAddress(), "pass", log.stream);
                    Socket s = new Socket()) {
                s.connect(proxy.localAddress(), 5000);
                try (Socket far = target.accept()) {
                    assertThat(proxy.openSockets()).isEqualTo(2);
                    proxy.mode("blackhole");
                    assertThat(log.text()).contains("mode is now blackhole");
                }
            }
        }

        @Test
        void a_reset_from_the_server_side_ends_the_clients_connection_too() throws Exception {
            try (ServerSocket target = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                    FaultProxy proxy = FaultProxy.start(ANY, (InetSocketAddress) target.getLocalSocketAddress(), "pass", new Log().stream);
                    Socket s = new Socket()) {
                s.connect(proxy.localAddress(), 5000);
                s.setSoTimeout(10_000);
                try (Socket far = target.accept()) {
                    far.setSoLinger(true, 0);
                }
                try {
                    assertThat(s.getInputStream().read()).isEqualTo(-1);
                } catch (SocketException reset) {
                    // a reset passed on is as good as an end: the client is not left waiting
                }
            }
        }

        @Test
        void awaitStopped_waits_for_close_which_refuses_newcomers_and_closes_relayed_connections() throws Exception {
            try (ServerSocket target = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                Log log = new Log();
                FaultProxy proxy = FaultProxy.start(ANY, (InetSocketAddress) target.getLocalSocketAddress(), "pass", log.stream);
                InetSocketAddress address = proxy.localAddress();
                try (Socket s = new Socket()) {
                    s.connect(address, 5000);
                    s.setSoTimeout(10_000);
                    try (Socket far = target.accept()) {
                        assertThat(proxy.awaitStopped(Duration.ofMillis(50))).isFalse();
                        proxy.close();
                        assertThat(proxy.awaitStopped(Duration.ofSeconds(10))).isTrue();
                        try {
                            assertThat(s.getInputStream().read()).isEqualTo(-1);
                        } catch (SocketException reset) {
                            // ended either way
                        }
                    }
                }
                assertThatThrownBy(() -> new Socket().connect(address, 5000)).isInstanceOf(ConnectException.class);
                assertThat(log.text()).as("a stop is not an accept failure").doesNotContain("accept failed");
            }
        }
    }
}
