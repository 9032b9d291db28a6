package sockets.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The selector's rules, one at a time: S-03/S-05 (waiting without a timeout burns a core), S-06
 * (selected keys are yours to remove), S-07 (end of stream stays readable), S-08 (a healthy
 * socket is always writable), S-10 (writable after connect is not connected), S-11 (a key
 * cancelled earlier in the same pass).
 */
@Timeout(30)
class SelectorBasicsTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private final List<AutoCloseable> open = new ArrayList<>();
    private ServerSocketChannel listener;
    private Selector selector;

    @BeforeEach
    void setUp() throws IOException {
        listener = keep(ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0)));
        selector = keep(Selector.open());
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    /** A connected pair: [client side, server side], both non-blocking. */
    private SocketChannel[] pair() throws IOException {
        SocketChannel client = keep(SocketChannel.open(listener.getLocalAddress()));
        SocketChannel server = keep(listener.accept());
        client.configureBlocking(false);
        server.configureBlocking(false);
        return new SocketChannel[] {client, server};
    }

    /** Waits, on a selector of its own and at most 5 s, until a non-blocking channel is ready for {@code ops}. */
    private static void awaitReady(java.nio.channels.SelectableChannel channel, int ops) throws IOException {
        try (Selector waiting = Selector.open()) {
            channel.register(waiting, ops);
            assertThat(waiting.select(5_000)).as("ready within 5 s").isEqualTo(1);
        }
    }

    private static long cpuOf(Runnable r) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadCpuTime();
        r.run();
        return threads.getCurrentThreadCpuTime() - before;
    }

    interface Io {
        void run() throws IOException;
    }

    private static Runnable unchecked(Io io) {
        return () -> {
            try {
                io.run();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    @Nested
    @Tag("pitfall")
    class Pitfall {

        @Test
        void polling_with_a_zero_timeout_on_an_idle_socket_spins_and_burns_cpu() throws IOException {
            SocketChannel server = pair()[1];
            server.register(selector, SelectionKey.OP_READ);
            long[] polls = new long[1];
            long spinCpu = cpuOf(unchecked(() -> polls[0] = NaiveSelect.pollUntil(selector, System.nanoTime() + 500_000_000L)));
            long blockCpu = cpuOf(unchecked(() -> selector.select(500)));

            System.out.printf("S-03: 500 ms waiting: zero-timeout polling %,d polls, %.1f ms CPU; blocking select %.3f ms CPU%n",
                    polls[0], spinCpu / 1e6, blockCpu / 1e6);
            assertThat(polls[0]).as("polls in 500 ms").isGreaterThan(1_000);
            assertThat(spinCpu).as("CPU ns spent spinning").isGreaterThan(10 * blockCpu).isGreaterThan(20_000_000L);
        }

        @Test
        void calling_read_until_data_comes_makes_huge_numbers_of_empty_reads_and_burns_cpu() throws IOException {
            SocketChannel server = pair()[1];
            long[] reads = new long[1];
            long spinCpu = cpuOf(unchecked(() ->
                    reads[0] = NaiveSelect.readUntil(server, ByteBuffer.allocate(16), System.nanoTime() + 300_000_000L)));
            server.register(selector, SelectionKey.OP_READ);
            long blockCpu = cpuOf(unchecked(() -> selector.select(300))); // the same 300 ms, waited for properly
            System.out.printf("S-05: 300 ms of read() on an idle non-blocking channel: %,d calls, each returning 0,"
                    + " %.1f ms CPU; select %.3f ms CPU%n", reads[0], spinCpu / 1e6, blockCpu / 1e6);
            assertThat(reads[0]).as("read() calls that each returned 0").isGreaterThan(1_000);
            assertThat(spinCpu).as("CPU ns spent reading nothing").isGreaterThan(10 * blockCpu).isGreaterThan(20_000_000L);
        }

        @Test
        void selected_keys_not_removed_come_back_and_accept_returns_null() throws IOException {
            listener.configureBlocking(false);
            listener.register(selector, SelectionKey.OP_ACCEPT);
            keep(SocketChannel.open(listener.getLocalAddress()));
            awaitReady(listener, SelectionKey.OP_ACCEPT); // the connection is in the accept queue now

            SocketChannel[] accepted = NaiveSelect.acceptTwiceWithoutRemovingKeys(selector);
            if (accepted[0] != null) {
                keep(accepted[0]);
            }
            assertThat(accepted[0]).isNotNull();
            assertThat(accepted[1]).as("the stale key's second accept").isNull();
            assertThat(selector.selectedKeys()).as("still selected").hasSize(1);
        }

        @Test
        void a_channel_at_end_of_stream_is_readable_on_every_select_until_closed() throws IOException {
            SocketChannel[] p = pair();
            SelectionKey key = p[1].register(selector, SelectionKey.OP_READ);
            p[0].close();
            for (int i = 0; i < 100; i++) {
                assertThat(selector.select(5_000)).isEqualTo(1);
                selector.selectedKeys().clear();
                NaiveSelect.handleReadIgnoringEndOfStream(key, ByteBuffer.allocate(16));
            }
        }

        @Test
        void a_permanent_write_interest_makes_every_select_return_at_once() throws IOException {
            SocketChannel server = pair()[1];
            server.register(selector, SelectionKey.OP_WRITE);
            int ready = 0;
            for (int i = 0; i < 1_000; i++) {
                ready += selector.selectNow();
                selector.selectedKeys().clear();
            }
            assertThat(ready).isEqualTo(1_000);
        }

        @Test
        void writing_after_a_refused_connect_without_finish_connect_fails() throws IOException {
            int closedPort;
            try (ServerSocketChannel gone = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0))) {
                closedPort = gone.socket().getLocalPort();
            }
            SocketChannel client = keep(SocketChannel.open());
            client.configureBlocking(false);
            client.connect(new InetSocketAddress(LOOPBACK, closedPort));
            client.register(selector, SelectionKey.OP_CONNECT);
            assertThat(selector.select(5_000)).isEqualTo(1); // "ready": the connect has an outcome

            assertThatThrownBy(() -> client.write(ByteBuffer.wrap(new byte[] {1})))
                    .isInstanceOf(NotYetConnectedException.class);
        }

        @Test
        void touching_a_key_whose_channel_was_closed_earlier_in_the_pass_throws() throws IOException {
            SocketChannel[] p = pair();
            SelectionKey key = p[1].register(selector, SelectionKey.OP_READ);
            p[0].write(ByteBuffer.wrap(new byte[] {1}));
            p[0].close();
            assertThat(selector.select(5_000)).isEqualTo(1); // the byte (readable, nothing else asked)
            selector.selectedKeys().clear();
            ByteBuffer buffer = ByteBuffer.allocate(16);
            NaiveSelect.handleReadThenWrite(key, buffer); // reads the byte
            assertThat(selector.select(5_000)).isEqualTo(1); // readable again: only the FIN can do that now
            selector.selectedKeys().clear();
            key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            assertThat(selector.selectNow()).isEqualTo(1); // readable (FIN) and writable, in one pass

            assertThatThrownBy(() -> NaiveSelect.handleReadThenWrite(key, buffer)) // reads -1, closes, then isWritable()
                    .isInstanceOf(CancelledKeyException.class);
        }
    }

    @Nested
    @Tag("fix")
    class Fix {

        @Test
        void blocking_in_select_waits_with_almost_no_cpu_and_wakes_when_data_arrives() throws IOException {
            SocketChannel[] p = pair();
            p[1].register(selector, SelectionKey.OP_READ);
            long[] ready = new long[1];
            long cpu = cpuOf(unchecked(() -> ready[0] = selector.select(300)));
            assertThat(ready[0]).isZero();
            assertThat(cpu).as("CPU ns for 300 ms of waiting").isLessThan(20_000_000L);

            p[0].write(ByteBuffer.wrap(new byte[] {1}));
            assertThat(selector.select(5_000)).isEqualTo(1);
        }

        @Test
        void removing_each_selected_key_leaves_nothing_stale() throws IOException {
            listener.configureBlocking(false);
            listener.register(selector, SelectionKey.OP_ACCEPT);
            keep(SocketChannel.open(listener.getLocalAddress()));

            List<SocketChannel> accepted = new ArrayList<>();
            selector.select(key -> { // JDK 11+: the selector removes each key after the action
                try {
                    accepted.add(keep(((ServerSocketChannel) key.channel()).accept()));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, 5_000);
            assertThat(accepted).hasSize(1).doesNotContainNull();
            assertThat(selector.selectedKeys()).isEmpty();
            assertThat(selector.selectNow()).isZero();
        }

        @Test
        void closing_at_end_of_stream_cancels_the_key_and_the_selector_goes_quiet() throws IOException {
            SocketChannel[] p = pair();
            p[1].register(selector, SelectionKey.OP_READ);
            p[0].close();
            assertThat(selector.select(5_000)).isEqualTo(1);
            selector.selectedKeys().clear();
            assertThat(p[1].read(ByteBuffer.allocate(16))).isEqualTo(-1);
            p[1].close();

            assertThat(selector.selectNow()).isZero();
            assertThat(selector.keys()).isEmpty();
        }

        @Test
        void write_interest_only_while_output_is_pending_lets_select_sleep() throws IOException {
            SocketChannel server = pair()[1];
            SelectionKey key = server.register(selector, SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            ByteBuffer output = ByteBuffer.wrap(new byte[] {1, 2, 3});
            assertThat(selector.selectNow()).isEqualTo(1);
            selector.selectedKeys().clear();
            server.write(output);
            if (!output.hasRemaining()) {
                key.interestOps(SelectionKey.OP_READ); // drained: stop asking
            }
            assertThat(selector.selectNow()).isZero();
        }

        @Test
        void finish_connect_reports_a_refused_connect() throws IOException {
            int closedPort;
            try (ServerSocketChannel gone = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0))) {
                closedPort = gone.socket().getLocalPort();
            }
            SocketChannel client = keep(SocketChannel.open());
            client.configureBlocking(false);
            assertThat(client.connect(new InetSocketAddress(LOOPBACK, closedPort))).isFalse();
            client.register(selector, SelectionKey.OP_CONNECT);
            assertThat(selector.select(5_000)).isEqualTo(1);

            assertThatThrownBy(client::finishConnect).isInstanceOf(ConnectException.class);
        }

        @Test
        void the_servers_loop_skips_the_writable_branch_of_a_key_its_readable_branch_closed() throws Exception {
            // The real server's one pass over a key, not a copy of it: the client ends with nothing
            // owed, so the readable branch closes the connection while the key is also writable.
            try (SelectEchoServer server = SelectEchoServer.bind(new InetSocketAddress(LOOPBACK, 0),
                    SelectEchoServer.DEFAULT_HIGH_WATER, 10, java.time.Duration.ofSeconds(30),
                    new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))) {
                SocketChannel[] p = pair();
                EchoConnection.register(server, selector, p[1], 0);
                SelectionKey key = p[1].keyFor(selector);
                p[0].close();
                awaitReady(p[1], SelectionKey.OP_READ); // the FIN is here
                key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                assertThat(selector.selectNow()).isEqualTo(1);
                assertThat(key.isReadable() && key.isWritable()).isTrue();

                assertThatCode(() -> server.serviceConnection(key)).doesNotThrowAnyException();
                assertThat(key.isValid()).isFalse();
                assertThat(p[1].isOpen()).isFalse();
            }
        }
    }
}
