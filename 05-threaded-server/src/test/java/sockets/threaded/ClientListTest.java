package sockets.threaded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The client list server against the seed's {@code client_list.py}: T-01, T-06 … T-09, BUG-38, BUG-41. */
@Timeout(60)
class ClientListTest {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final JsonMapper JSON = JsonMapper.builder().build();

    /** A running server on a free port; closed gracefully at the end. */
    static final class Running implements AutoCloseable {
        final ClientListServer server;
        final Thread thread;
        final ByteArrayOutputStream log = new ByteArrayOutputStream();

        Running(String threads, Duration readTimeout, int maxConnections) throws IOException {
            this(threads, readTimeout, maxConnections, ClientListServer.DEFAULT_MAX_ENTRIES);
        }

        Running(String threads, Duration readTimeout, int maxConnections, int maxEntries) throws IOException {
            server = ClientListServer.bind(new InetSocketAddress(LOOPBACK, 0), threads, readTimeout, maxConnections,
                    maxEntries, new PrintStream(log, true, StandardCharsets.UTF_8));
            thread = Thread.ofPlatform().start(server::serve);
        }

        Running() throws IOException {
            this("virtual", Duration.ofSeconds(10), 100);
        }

        Socket connect() throws IOException {
            Socket s = new Socket(LOOPBACK, server.localAddress().getPort());
            s.setSoTimeout(20_000);
            return s;
        }

        JsonNode register(String name) throws IOException {
            try (Socket s = connect()) {
                return ClientListClient.register(s, name);
            }
        }

        /**
         * Waits, 10 s at most, until a connection slot is free again; true if one is. A client sees
         * its answer end a moment before its handler closes the socket and frees the slot.
         */
        boolean awaitFreeSlot() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.freeSlots() == 0 && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(100_000); // not a spin: the handler needs the CPU
            }
            return server.freeSlots() > 0;
        }

        void fill(int names) {
            for (int i = 0; i < names; i++) {
                server.register("client-%05d-".formatted(i) + "x".repeat(47), "127.0.0.1", 40_000 + i % 20_000);
            }
        }

        @Override
        public void close() throws InterruptedException {
            server.close();
            thread.join(5_000);
        }
    }

    /** Counts a latch down when the first read returns, so a writer can wait for it. */
    static InputStream signalling(InputStream in, CountDownLatch firstRead) {
        return new FilterInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return super.read(b, off, len);
                } finally {
                    firstRead.countDown();
                }
            }
        };
    }

    @Nested
    @Tag("pitfall")
    class Pitfall {

        @Test
        void one_read_of_1024_bytes_cannot_parse_a_list_over_1024_bytes_t06() throws Exception {
            try (Running r = new Running()) {
                r.fill(20);
                try (Socket s = r.connect()) {
                    s.getOutputStream().write("alice\n".getBytes(StandardCharsets.UTF_8));
                    String answer = NaiveClientList.readAnswer(s.getInputStream());
                    assertThatThrownBy(() -> JSON.readTree(answer)).isInstanceOf(JacksonException.class);
                }
            }
        }

        @Test
        void one_read_cannot_parse_a_small_answer_that_arrives_in_two_pieces_t06() throws Exception {
            byte[] answer = "{\"alice\":{\"name\":\"alice\",\"address\":\"127.0.0.1\",\"port\":1}}".getBytes(StandardCharsets.UTF_8);
            CountDownLatch firstRead = new CountDownLatch(1);
            try (ServerSocket listener = new ServerSocket(0, 1, LOOPBACK);
                 Socket client = new Socket(LOOPBACK, listener.getLocalPort())) {
                CompletableFuture<Void> server = halfThenRest(listener, answer, firstRead);
                String got = NaiveClientList.readAnswer(signalling(client.getInputStream(), firstRead));
                assertThat(got.length()).isLessThan(answer.length);
                assertThatThrownBy(() -> JSON.readTree(got)).isInstanceOf(JacksonException.class);
                server.get(10, TimeUnit.SECONDS);
            }
        }

        @Test
        void one_read_takes_part_of_a_name_that_arrives_in_two_pieces_bug38() throws Exception {
            CountDownLatch firstRead = new CountDownLatch(1);
            try (ServerSocket listener = new ServerSocket(0, 1, LOOPBACK);
                 Socket client = new Socket(LOOPBACK, listener.getLocalPort());
                 Socket server = listener.accept()) {
                CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
                    try {
                        client.getOutputStream().write("ali".getBytes(StandardCharsets.UTF_8));
                        firstRead.await(10, TimeUnit.SECONDS);
                        client.getOutputStream().write("ce\n".getBytes(StandardCharsets.UTF_8));
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }, Thread::startVirtualThread);
                assertThat(NaiveClientList.readName(signalling(server.getInputStream(), firstRead))).isEqualTo("ali");
                sender.get(10, TimeUnit.SECONDS);
            }
        }

        @Test
        void writing_a_hash_map_while_another_handler_inserts_throws_concurrent_modification_bug41() throws Exception {
            Map<String, String> shared = new HashMap<>(Map.of("alice", "127.0.0.1", "bob", "127.0.0.1"));
            CountDownLatch midway = new CountDownLatch(1);
            CountDownLatch inserted = new CountDownLatch(1);
            Thread.ofVirtual().start(() -> {
                try {
                    midway.await();
                    shared.put("carol", "127.0.0.1"); // another handler, at the worst moment
                    inserted.countDown();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThatThrownBy(() -> NaiveClientList.toJson(shared, () -> {
                midway.countDown();
                awaitQuietly(inserted);
            })).isInstanceOf(ConcurrentModificationException.class);
        }

        @Test
        void run_instead_of_start_handles_the_client_on_the_accepting_thread_t01() throws Exception {
            AtomicReference<Thread> handlerThread = new AtomicReference<>();
            NaiveClientList.dispatch(() -> handlerThread.set(Thread.currentThread()));
            assertThat(handlerThread.get()).isSameAs(Thread.currentThread()); // no concurrency at all
        }

        @Test
        void a_lock_held_across_a_blocking_read_blocks_everyone_who_needs_it_t09() throws Exception {
            ReentrantLock lock = new ReentrantLock();
            try (ServerSocket listener = new ServerSocket(0, 1, LOOPBACK);
                 Socket silent = new Socket(LOOPBACK, listener.getLocalPort());
                 Socket server = listener.accept()) {
                CountDownLatch holding = new CountDownLatch(1);
                Thread reader = Thread.ofPlatform().daemon().start(() -> {
                    lock.lock();
                    try {
                        holding.countDown();
                        server.getInputStream().read(); // the peer says nothing
                    } catch (IOException closed) {
                        // ends when the test closes the socket
                    } finally {
                        lock.unlock();
                    }
                });
                holding.await();
                assertThat(lock.tryLock(100, TimeUnit.MILLISECONDS)).as("another handler gets the lock").isFalse();
                server.close();
                reader.join(5_000);
            }
        }

        @Test
        void graceless_stop_cuts_an_answer_being_written_t08() throws Exception {
            try (Running r = new Running("virtual", Duration.ofSeconds(10), 100, 200_000)) {
                r.fill(100_000); // about 9 MB of JSON: more than the socket buffers hold
                Socket s = new Socket();
                s.setReceiveBufferSize(4096);
                s.connect(r.server.localAddress());
                s.getOutputStream().write("slow\n".getBytes(StandardCharsets.UTF_8));
                s.shutdownOutput();
                int first = s.getInputStream().read(); // the answer has started
                assertThat(first).isEqualTo('{');

                r.server.closeNow(); // as if the handler threads were daemons killed at exit

                byte[] rest = readToEndOrReset(s.getInputStream());
                assertThatThrownBy(() -> JSON.readTree("{" + new String(rest, StandardCharsets.UTF_8)))
                        .isInstanceOf(JacksonException.class);
                s.close();
            }
        }

        @Test
        void with_a_pool_of_two_and_no_read_timeout_two_silent_clients_starve_everyone() throws Exception {
            try (Running r = new Running("pool:2", Duration.ZERO, 100);
                 Socket silent1 = r.connect();
                 Socket silent2 = r.connect();
                 Socket third = r.connect()) {
                third.getOutputStream().write("third\n".getBytes(StandardCharsets.UTF_8));
                CompletableFuture<byte[]> answer = CompletableFuture.supplyAsync(() -> readToEndOrReset(third), Thread::startVirtualThread);
                // A bounded wait, to show the third client is never served while the two say nothing.
                assertThat(answer).failsWithin(500, TimeUnit.MILLISECONDS).withThrowableOfType(TimeoutException.class);
                silent1.close();
                silent2.close();
            }
        }
    }

    @Nested
    @Tag("fix")
    class Fix {

        @Test
        void reading_to_end_of_stream_parses_fifty_60_character_names_and_contains_our_entry() throws Exception {
            try (Running r = new Running()) {
                r.fill(50);
                JsonNode list = r.register("alice");
                assertThat(list.size()).isEqualTo(51);
                assertThat(list.get("alice").get("address").asString()).isEqualTo("127.0.0.1");
            }
        }

        @Test
        void reading_to_end_of_stream_gets_an_answer_that_arrives_in_two_pieces() throws Exception {
            byte[] answer = "{\"alice\":{\"name\":\"alice\",\"address\":\"127.0.0.1\",\"port\":1}}".getBytes(StandardCharsets.UTF_8);
            CountDownLatch firstRead = new CountDownLatch(1);
            try (ServerSocket listener = new ServerSocket(0, 1, LOOPBACK);
                 Socket client = new Socket(LOOPBACK, listener.getLocalPort())) {
                CompletableFuture<Void> server = halfThenRest(listener, answer, firstRead);
                byte[] got = signalling(client.getInputStream(), firstRead).readAllBytes();
                assertThat(JSON.readTree(got).get("alice").get("port").asInt()).isEqualTo(1);
                server.get(10, TimeUnit.SECONDS);
            }
        }

        @Test
        void the_server_reads_a_name_in_any_number_of_pieces() throws Exception {
            try (Running r = new Running(); Socket s = r.connect()) {
                s.setTcpNoDelay(true);
                for (byte b : "alice\n".getBytes(StandardCharsets.UTF_8)) {
                    s.getOutputStream().write(b);
                }
                assertThat(JSON.readTree(s.getInputStream().readAllBytes()).has("alice")).isTrue();
            }
        }

        @Test
        void three_clients_see_the_earlier_names_and_a_name_sent_again_replaces_its_entry() throws Exception {
            try (Running r = new Running()) {
                assertThat(r.register("alice").has("alice")).isTrue();
                JsonNode afterBob = r.register("bob");
                assertThat(afterBob.has("alice")).isTrue();
                assertThat(afterBob.has("bob")).isTrue();
                int firstPort = afterBob.get("alice").get("port").asInt();
                JsonNode again = r.register("alice");
                assertThat(again.size()).isEqualTo(2);
                assertThat(again.get("alice").get("port").asInt()).isNotEqualTo(firstPort);
            }
        }

        @Test
        void a_concurrent_map_is_written_safely_while_another_handler_inserts() throws Exception {
            Map<String, String> shared = new ConcurrentHashMap<>(Map.of("alice", "127.0.0.1", "bob", "127.0.0.1"));
            CountDownLatch midway = new CountDownLatch(1);
            CountDownLatch inserted = new CountDownLatch(1);
            Thread.ofVirtual().start(() -> {
                try {
                    midway.await();
                    shared.put("carol", "127.0.0.1");
                    inserted.countDown();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            String json = NaiveClientList.toJson(shared, () -> {
                midway.countDown();
                awaitQuietly(inserted);
            });
            assertThat(JSON.readTree(json).has("alice")).isTrue(); // weakly consistent: no exception
        }

        @org.junit.jupiter.params.ParameterizedTest
        @org.junit.jupiter.params.provider.ValueSource(strings = {"virtual", "platform", "pool:2"})
        void while_one_handler_waits_for_a_slow_name_another_client_is_served_t01(String threads) throws Exception {
            try (Running r = new Running(threads, Duration.ofSeconds(30), 100); Socket slow = r.connect()) {
                slow.getOutputStream().write("sl".getBytes(StandardCharsets.UTF_8)); // half a name, then nothing
                // Its handler is now blocked reading the rest. Were handlers run one after another
                // (run() instead of start()), this registration would wait 30 s behind it.
                long start = System.nanoTime();
                assertThat(r.register("fast").has("fast")).isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
                slow.getOutputStream().write("ow\n".getBytes(StandardCharsets.UTF_8));
                slow.shutdownOutput();
                JsonNode list = JSON.readTree(slow.getInputStream().readAllBytes());
                assertThat(list.has("slow")).isTrue();
                assertThat(list.has("fast")).isTrue();
            }
        }

        @Test
        void reading_outside_the_lock_leaves_it_free_for_others() throws Exception {
            ReentrantLock lock = new ReentrantLock();
            try (ServerSocket listener = new ServerSocket(0, 1, LOOPBACK);
                 Socket silent = new Socket(LOOPBACK, listener.getLocalPort());
                 Socket server = listener.accept()) {
                CountDownLatch reading = new CountDownLatch(1);
                Thread reader = Thread.ofPlatform().daemon().start(() -> {
                    try {
                        reading.countDown();
                        server.getInputStream().read(); // no lock held while blocked
                    } catch (IOException closed) {
                        // ends when the test closes the socket
                    }
                });
                reading.await();
                assertThat(lock.tryLock(5, TimeUnit.SECONDS)).isTrue();
                lock.unlock();
                server.close();
                reader.join(5_000);
            }
        }

        @Test
        void a_graceful_stop_lets_the_answer_being_written_finish() throws Exception {
            Running r = new Running("virtual", Duration.ofSeconds(10), 100, 200_000);
            r.fill(100_000);
            try (Socket s = new Socket()) {
                s.setReceiveBufferSize(4096);
                s.connect(r.server.localAddress());
                s.getOutputStream().write("slow\n".getBytes(StandardCharsets.UTF_8));
                s.shutdownOutput();
                assertThat(s.getInputStream().read()).isEqualTo('{');

                Thread stopping = Thread.ofPlatform().start(r.server::close); // waits for the handler

                byte[] rest = s.getInputStream().readAllBytes();
                JsonNode list = JSON.readTree("{" + new String(rest, StandardCharsets.UTF_8));
                assertThat(list.size()).isEqualTo(100_001);
                stopping.join(20_000);
                assertThat(stopping.isAlive()).isFalse();
            }
            r.thread.join(5_000);
        }

        @Test
        void with_a_read_timeout_silent_clients_are_dropped_and_the_third_is_served() throws Exception {
            try (Running r = new Running("pool:2", Duration.ofMillis(300), 100);
                 Socket silent1 = r.connect();
                 Socket silent2 = r.connect();
                 Socket third = r.connect()) {
                third.getOutputStream().write("third\n".getBytes(StandardCharsets.UTF_8));
                assertThat(JSON.readTree(third.getInputStream().readAllBytes()).has("third")).isTrue();
                assertThat(JSON.readTree(silent1.getInputStream().readAllBytes()).get("error").asString())
                        .startsWith("no whole name within 300 ms");
            }
        }

        @Test
        void connections_over_the_cap_get_a_clear_refusal() throws Exception {
            try (Running r = new Running("virtual", Duration.ofSeconds(10), 1);
                 Socket holding = r.connect();
                 Socket refused = r.connect()) {
                JsonNode answer = JSON.readTree(refused.getInputStream().readAllBytes());
                assertThat(answer.get("error").asString()).contains("too many connections");
                holding.getOutputStream().write("alice\n".getBytes(StandardCharsets.UTF_8));
                assertThat(JSON.readTree(holding.getInputStream().readAllBytes()).has("alice")).isTrue();
            }
        }

        @Test
        void bad_names_get_an_error_answer() throws Exception {
            try (Running r = new Running()) {
                assertThat(sendRaw(r, "\n").get("error").asString()).isEqualTo("empty name");
                assertThat(sendRaw(r, "x".repeat(300) + "\n").get("error").asString()).isEqualTo("name longer than 256 bytes");
                // The limit is the name's: a CR before the newline is not counted, another byte is.
                assertThat(sendRaw(r, "y".repeat(256) + "\r\n").has("y".repeat(256))).isTrue();
                assertThat(sendRaw(r, "z".repeat(256) + "\rz\n").get("error").asString()).isEqualTo("name longer than 256 bytes");
                assertThat(sendRaw(r, "w".repeat(257) + "\n").get("error").asString()).isEqualTo("name longer than 256 bytes");
                try (Socket s = r.connect()) {
                    s.getOutputStream().write(new byte[] {(byte) 0xC3, '\n'});
                    assertThat(JSON.readTree(s.getInputStream().readAllBytes()).get("error").asString())
                            .isEqualTo("name is not valid UTF-8");
                }
            }
        }

        private JsonNode sendRaw(Running r, String raw) throws IOException {
            try (Socket s = r.connect()) {
                s.getOutputStream().write(raw.getBytes(StandardCharsets.UTF_8));
                return JSON.readTree(s.getInputStream().readAllBytes());
            }
        }
    }

    /** T-07: rebinding a port whose old connections are in TIME_WAIT. */
    @Nested
    @EnabledOnOs(value = OS.LINUX, disabledReason = "records Linux behaviour")
    class Rebinding {

        private int portLeftInTimeWait() throws IOException {
            try (ServerSocket listener = new ServerSocket(0, 1, LOOPBACK);
                 Socket client = new Socket(LOOPBACK, listener.getLocalPort());
                 Socket accepted = listener.accept()) {
                accepted.close(); // the server closes first: TIME_WAIT is on the server's port
                assertThat(client.getInputStream().read()).isEqualTo(-1);
                return listener.getLocalPort();
            }
        }

        @Test
        @Tag("pitfall")
        void without_so_reuseaddr_the_port_cannot_be_bound_again() throws IOException {
            int port = portLeftInTimeWait();
            try (ServerSocket again = new ServerSocket()) {
                again.setReuseAddress(false);
                assertThatThrownBy(() -> again.bind(new InetSocketAddress(LOOPBACK, port))).isInstanceOf(BindException.class);
            }
        }

        @Test
        @Tag("fix")
        void with_so_reuseaddr_the_default_on_linux_it_can() throws IOException {
            int port = portLeftInTimeWait();
            try (ServerSocket again = new ServerSocket()) {
                assertThat(again.getReuseAddress()).as("Java's default on Linux").isTrue();
                again.bind(new InetSocketAddress(LOOPBACK, port));
                assertThat(again.getLocalPort()).isEqualTo(port);
            }
        }
    }

    private static CompletableFuture<Void> halfThenRest(ServerSocket listener, byte[] answer, CountDownLatch firstRead) {
        return CompletableFuture.runAsync(() -> {
            try (Socket s = listener.accept()) {
                int half = answer.length / 2;
                s.getOutputStream().write(answer, 0, half);
                firstRead.await(10, TimeUnit.SECONDS);
                s.getOutputStream().write(answer, half, answer.length - half);
                s.shutdownOutput();
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, Thread::startVirtualThread);
    }

    static byte[] readToEndOrReset(Socket s) {
        try {
            return readToEndOrReset(s.getInputStream());
        } catch (IOException e) {
            return new byte[0];
        }
    }

    static byte[] readToEndOrReset(InputStream in) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) != -1) {
                got.write(buffer, 0, n);
            }
        } catch (IOException reset) {
            // what arrived before the reset is what the client has
        }
        return got.toByteArray();
    }

    static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
