package sockets.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The failure matrix: for each way a conversation can end or break, what {@code read}, {@code write}
 * and {@code connect} actually do in Java on Linux, for {@code java.net.Socket} and for
 * {@code SocketChannel} where they differ. docs/failure-matrix.md names the test for each row.
 */
@Timeout(60)
class FailureMatrixTest {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    /** A connected pair of java.net sockets: [client, server]. */
    Socket[] socketPair() throws IOException {
        ServerSocket listener = keep(new ServerSocket(0, 1, LOOPBACK));
        Socket client = keep(new Socket(LOOPBACK, listener.getLocalPort()));
        Socket server = keep(listener.accept());
        return new Socket[] {client, server};
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Writes one byte at a time until a write fails; returns how many succeeded (bounded). */
    static int writesBeforeFailure(OutputStream out) {
        for (int i = 0; i < 1_000; i++) {
            try {
                out.write('x');
            } catch (IOException broken) {
                return i;
            }
            // Pacing, not synchronisation: the peer's RST needs a round trip to arrive, and nothing
            // signals its arrival but the next write failing. Bounded: at most 1,000 ms in all.
            LockSupport.parkNanos(1_000_000);
        }
        return -1;
    }

    @Nested
    @Tag("fix")
    class PeerClosesNormally {

        @Test
        void read_returns_minus_one_and_this_side_may_still_write_d01() throws IOException {
            Socket[] p = socketPair();
            p[0].getOutputStream().write(b("req"));
            p[0].shutdownOutput(); // the client is done sending

            assertThat(p[1].getInputStream().readAllBytes()).isEqualTo(b("req"));
            assertThat(p[1].getInputStream().read()).isEqualTo(-1);
            p[1].getOutputStream().write(b("reply")); // still allowed
            p[1].close();
            assertThat(p[0].getInputStream().readAllBytes()).isEqualTo(b("reply"));
        }

        @Test
        void the_same_on_a_socket_channel() throws IOException {
            ServerSocketChannel listener = keep(ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0)));
            SocketChannel client = keep(SocketChannel.open(listener.getLocalAddress()));
            SocketChannel server = keep(listener.accept());
            client.write(ByteBuffer.wrap(b("req")));
            client.shutdownOutput();
            ByteBuffer buffer = ByteBuffer.allocate(16);
            while (server.read(buffer) != -1) {
                // read "req", then -1
            }
            assertThat(buffer.position()).isEqualTo(3);
            assertThat(server.write(ByteBuffer.wrap(b("reply")))).isEqualTo(5);
        }
    }

    @Nested
    @Tag("pitfall")
    class PeerResets {

        @Test
        void read_throws_connection_reset_and_keeps_throwing() throws IOException {
            Socket[] p = socketPair();
            p[1].setSoLinger(true, 0);
            p[1].close(); // RST
            p[0].setSoTimeout(10_000);
            InputStream in = p[0].getInputStream();

            assertThatThrownBy(in::read).isInstanceOf(SocketException.class);
            assertThatThrownBy(in::read).as("sticky").isInstanceOf(SocketException.class);
        }

        @Test
        void once_the_reset_has_arrived_a_write_throws_too() throws IOException {
            Socket[] p = socketPair();
            p[1].setSoLinger(true, 0);
            p[1].close(); // RST
            p[0].setSoTimeout(10_000);
            // The failing read proves the RST is here; from then on the connection is gone both ways.
            assertThatThrownBy(() -> p[0].getInputStream().read()).isInstanceOf(SocketException.class);
            assertThatThrownBy(() -> p[0].getOutputStream().write(b("after the reset")))
                    .isInstanceOf(SocketException.class);
        }
    }

    @Nested
    @Tag("pitfall")
    @EnabledOnOs(value = OS.LINUX, disabledReason = "records Linux behaviour")
    class ClosingWithUnreadInput {

        @Test
        void a_socket_channel_close_resets_the_peer_d03() throws IOException {
            ServerSocketChannel listener = keep(ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0)));
            Socket client = keep(new Socket(LOOPBACK, listener.socket().getLocalPort()));
            SocketChannel server = listener.accept();
            client.getOutputStream().write(b("unread"));
            awaitReadable(server);
            server.close(); // with "unread" still in its receive buffer

            client.setSoTimeout(10_000);
            assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketException.class);
        }

        @Test
        void a_java_net_socket_close_sends_fin_first_so_the_peer_reads_end_of_stream_d03() throws IOException {
            Socket[] p = socketPair();
            p[0].getOutputStream().write(b("unread"));
            p[1].setSoTimeout(10_000);
            // Make sure the bytes have arrived, without reading them: available() counts them.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (p[1].getInputStream().available() < 6) { // bounded: the bytes are on loopback
                assertThat(System.nanoTime() - deadline).as("the bytes arrive within 10 s").isNegative();
                Thread.onSpinWait();
            }
            p[1].close(); // Socket.close() shuts down output first, then closes

            p[0].setSoTimeout(10_000);
            int first;
            try {
                first = p[0].getInputStream().read();
            } catch (SocketException resetRacedAhead) {
                first = -2;
            }
            assertThat(first).as("FIN arrives before the reset").isEqualTo(-1);
            assertThat(writesBeforeFailure(p[0].getOutputStream())).as("a later write fails").isBetween(0, 999);
        }

        private void awaitReadable(SocketChannel channel) throws IOException {
            channel.configureBlocking(false);
            try (Selector selector = Selector.open()) {
                channel.register(selector, SelectionKey.OP_READ);
                assertThat(selector.select(10_000)).isEqualTo(1);
            }
        }
    }

    @Nested
    @Tag("pitfall")
    class WritingAfterThePeerClosed {

        @Test
        void the_first_write_succeeds_and_a_later_one_fails_with_broken_pipe_or_reset() throws IOException {
            Socket[] p = socketPair();
            p[1].close();
            assertThat(p[0].getInputStream().read()).isEqualTo(-1); // the FIN has arrived

            OutputStream out = p[0].getOutputStream();
            out.write(b("first")); // succeeds: the bytes are only queued; the peer answers with RST
            assertThat(writesBeforeFailure(out)).isBetween(0, 999);
        }
    }

    @Nested
    @Tag("fix")
    class Connecting {

        @Test
        void to_a_port_nobody_listens_on_is_refused() throws IOException {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
                port = s.getLocalPort();
            }
            assertThatThrownBy(() -> new Socket(LOOPBACK, port)).isInstanceOf(ConnectException.class);
        }

        @Test
        @EnabledOnOs(value = OS.LINUX, disabledReason = "Linux drops the handshake when the accept queue is full")
        void to_a_full_backlog_times_out_and_is_not_refused() throws IOException {
            ServerSocket listener = keep(new ServerSocket(0, 1, LOOPBACK)); // never accepts
            List<IOException> failures = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Socket s = keep(new Socket());
                try {
                    s.connect(listener.getLocalSocketAddress(), 700);
                } catch (IOException e) {
                    failures.add(e);
                }
            }
            assertThat(failures).isNotEmpty().allSatisfy(e -> assertThat(e).isInstanceOf(SocketTimeoutException.class));
        }
    }

    @Nested
    class DeadPeer {

        private FaultProxy proxyToEcho() throws IOException {
            ServerSocket echo = keep(new ServerSocket(0, 50, LOOPBACK));
            Thread.ofVirtual().start(() -> {
                try (Socket s = echo.accept()) {
                    s.getInputStream().transferTo(s.getOutputStream());
                } catch (IOException gone) {
                    // test over
                }
            });
            return keep(FaultProxy.start(new InetSocketAddress(LOOPBACK, 0), (InetSocketAddress) echo.getLocalSocketAddress(),
                    "pass", new PrintStream(OutputStream.nullOutputStream())));
        }

        @Test
        @Tag("pitfall")
        void a_plain_read_from_a_blackholed_peer_never_returns_d06() throws Exception {
            FaultProxy proxy = proxyToEcho();
            Socket s = keep(new Socket(LOOPBACK, proxy.localAddress().getPort()));
            s.getOutputStream().write('a');
            assertThat(s.getInputStream().read()).isEqualTo('a');
            proxy.mode("blackhole");
            s.getOutputStream().write('b');

            CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
                try {
                    return s.getInputStream().read();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, Thread::startVirtualThread);
            // A bounded wait, to show the read does not return: no data, no FIN, no RST will come.
            assertThat(read).failsWithin(500, TimeUnit.MILLISECONDS).withThrowableOfType(TimeoutException.class);
        }

        @Test
        @Tag("fix")
        void so_timeout_bounds_the_read() throws Exception {
            FaultProxy proxy = proxyToEcho();
            proxy.mode("blackhole");
            Socket s = keep(new Socket(LOOPBACK, proxy.localAddress().getPort()));
            s.getOutputStream().write('b');
            s.setSoTimeout(300);
            assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            assertThat(s.isClosed()).as("still usable after a timeout").isFalse();
        }

        @Test
        @Tag("fix")
        void a_heartbeat_keeps_a_live_peer_alive_and_declares_a_dead_one_dead() throws Exception {
            FaultProxy proxy = proxyToEcho();
            Socket s = keep(new Socket(LOOPBACK, proxy.localAddress().getPort()));
            // Alive: the peer says nothing until pinged, then its pong is data. The allowance is
            // generous (3 s) so that a loaded machine cannot make a live peer look dead.
            Heartbeat patient = new Heartbeat(s, Duration.ofSeconds(1), 2, () -> s.getOutputStream().write('p'));
            assertThat(patient.read(new byte[8])).isEqualTo(1);

            // Dead: nothing will ever come back, so a short allowance cannot be wrong.
            proxy.mode("blackhole");
            java.util.concurrent.atomic.AtomicInteger pings = new java.util.concurrent.atomic.AtomicInteger();
            Heartbeat quick = new Heartbeat(s, Duration.ofMillis(200), 2, () -> {
                pings.incrementAndGet();
                s.getOutputStream().write('p');
            });
            long start = System.nanoTime();
            assertThatThrownBy(() -> quick.read(new byte[8])).isInstanceOf(Heartbeat.PeerDeadException.class)
                    .hasMessageContaining("3 intervals of 200 ms");
            assertThat(pings.get()).as("a ping after each of the first two silent intervals").isEqualTo(2);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("three intervals at least")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(600));
        }

        @Test
        @Tag("fix")
        void keepalive_options_are_set_per_socket() throws IOException {
            Socket s = socketPair()[0];
            Keepalive.enable(s, Duration.ofSeconds(1), Duration.ofSeconds(1), 2);
            assertThat(s.getKeepAlive()).isTrue();
            assertThat(s.getOption(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE)).isEqualTo(1);
            assertThat(s.getOption(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL)).isEqualTo(1);
            assertThat(s.getOption(jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT)).isEqualTo(2);
            assertThat(Keepalive.worstCaseDetection(Duration.ofSeconds(1), Duration.ofSeconds(1), 2)).hasSeconds(3);
        }
    }

    @Nested
    class GarbageCollectionDoesNotClose {

        @Test
        @Tag("pitfall")
        void a_socket_dropped_without_close_leaves_the_peer_waiting_d05() throws IOException {
            Socket[] p = socketPair(); // p[0] is kept referenced, as a leaked socket often is
            p[0].getOutputStream().write(b("hi"));
            p[1].setSoTimeout(300); // a bounded wait, to show the end of stream never comes
            assertThat(p[1].getInputStream().readNBytes(2)).isEqualTo(b("hi"));
            assertThatThrownBy(() -> p[1].getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        }

        @Test
        @Tag("fix")
        void try_with_resources_closes_it_and_the_peer_reads_end_of_stream() throws IOException {
            ServerSocket listener = keep(new ServerSocket(0, 1, LOOPBACK));
            try (Socket client = new Socket(LOOPBACK, listener.getLocalPort())) {
                client.getOutputStream().write(b("hi"));
            }
            Socket server = keep(listener.accept());
            server.setSoTimeout(10_000);
            assertThat(server.getInputStream().readAllBytes()).isEqualTo(b("hi"));
        }
    }

    @Nested
    class SendReturnedZero {

        @Test
        @Tag("pitfall")
        void a_zero_byte_write_is_taken_for_a_broken_connection_that_is_healthy_d02() throws Exception {
            ServerSocketChannel listener = keep(ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0)));
            SocketChannel writer = keep(SocketChannel.open(listener.getLocalAddress()));
            SocketChannel reader = keep(listener.accept());
            writer.configureBlocking(false);
            ByteBuffer message = ByteBuffer.allocate(8 << 20); // more than the buffers hold

            assertThatThrownBy(() -> NaiveShutdown.send(writer, message)).hasMessage("socket connection broken");

            // The connection is fine: the peer can read every byte "sent" so far, and more can follow.
            long sent = message.position();
            long got = 0;
            reader.socket().setSoTimeout(10_000); // blocking reads, each bounded
            InputStream readerIn = reader.socket().getInputStream();
            byte[] chunk = new byte[64 * 1024];
            while (got < sent) {
                int n = readerIn.read(chunk);
                assertThat(n).as("the peer's read").isPositive();
                got += n;
            }
            assertThat(got).isEqualTo(sent);
            assertThat(writer.write(ByteBuffer.wrap(b("more")))).isPositive();
        }
    }

    @Nested
    class UnblockingAStuckReader {

        @Test
        @Tag("pitfall")
        void interrupting_a_platform_thread_blocked_in_a_socket_read_does_nothing_t09() throws Exception {
            Socket s = socketPair()[0];
            CountDownLatch reading = new CountDownLatch(1);
            CompletableFuture<String> outcome = new CompletableFuture<>();
            Thread reader = Thread.ofPlatform().daemon().start(() -> {
                try {
                    reading.countDown();
                    s.getInputStream().read();
                    outcome.complete("returned");
                } catch (IOException e) {
                    outcome.complete(e.getClass().getSimpleName());
                }
            });
            reading.await();
            reader.interrupt();
            // A bounded wait, to show the interrupt does not end the read.
            assertThat(outcome).failsWithin(300, TimeUnit.MILLISECONDS).withThrowableOfType(TimeoutException.class);
            s.close(); // clean up: this is the fix, below
            assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo("SocketException");
        }

        @Test
        @Tag("fix")
        void closing_the_socket_from_another_thread_unblocks_the_reader_at_once() throws Exception {
            Socket s = socketPair()[0];
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            CountDownLatch reading = new CountDownLatch(1);
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    reading.countDown();
                    s.getInputStream().read();
                    outcome.complete(null);
                } catch (IOException e) {
                    outcome.complete(e);
                }
            });
            reading.await();
            s.close();
            assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(SocketException.class);
        }

        @Test
        @Tag("fix")
        void interrupting_a_virtual_thread_blocked_in_a_socket_read_closes_the_socket() throws Exception {
            Socket s = socketPair()[0];
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            CountDownLatch reading = new CountDownLatch(1);
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    reading.countDown();
                    s.getInputStream().read();
                    outcome.complete(null);
                } catch (IOException e) {
                    outcome.complete(e);
                }
            });
            reading.await();
            reader.interrupt();
            assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(SocketException.class);
            assertThat(s.isClosed()).isTrue();
        }
    }

    @Nested
    class SendCompletingProvesLittle {

        @Test
        @Tag("pitfall")
        void a_short_reply_to_a_client_that_already_closed_completely_is_written_without_error_c03() throws IOException {
            Socket[] p = socketPair();
            p[0].getOutputStream().write(b("req"));
            p[0].shutdownOutput();
            p[0].close(); // the client is gone entirely, not just half-closed
            assertThat(p[1].getInputStream().readAllBytes()).isEqualTo(b("req"));

            // "Completes successfully", although nobody will ever read it: the bytes are only queued.
            assertThatCode(() -> p[1].getOutputStream().write(b("reply"))).doesNotThrowAnyException();
            // What does notice, later: the peer answered with RST, and writing on fails.
            assertThat(writesBeforeFailure(p[1].getOutputStream())).isNotNegative();
        }
    }
}
