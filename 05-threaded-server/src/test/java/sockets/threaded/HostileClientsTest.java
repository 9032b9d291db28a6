package sockets.threaded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The client list server against clients that are slow on purpose, never read, or pick awkward
 * names: each holds no thread, and no memory, for longer than the server allows.
 */
class HostileClientsTest {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** Writes the next byte of {@code bytes} every {@code gapMillis}, on a timer. */
    static ScheduledExecutorService trickle(Socket s, byte[] bytes, long gapMillis) throws IOException {
        s.setTcpNoDelay(true);
        OutputStream out = s.getOutputStream();
        AtomicInteger next = new AtomicInteger();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        timer.scheduleAtFixedRate(() -> {
            int i = next.getAndIncrement();
            try {
                if (i < bytes.length) {
                    out.write(bytes[i]);
                }
            } catch (IOException closedUnderUs) {
                timer.shutdown();
            }
        }, 0, gapMillis, TimeUnit.MILLISECONDS);
        return timer;
    }

    /** Waits (boundedly) until {@code n} bytes the peer sent sit unread in {@code s}'s receive buffer. */
    static void awaitUnread(Socket s, int n) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (s.getInputStream().available() < n) {
            assertThat(System.nanoTime()).as("%d unread bytes within 10 s", n).isLessThan(deadline);
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }

    @Nested
    @Tag("pitfall")
    class Pitfall {

        @Test
        void a_read_timeout_lets_a_client_that_sends_a_byte_every_100_ms_take_three_seconds_for_a_name()
                throws Exception {
            byte[] name = "a-name-sent-one-byte-at-a-time\n".getBytes(StandardCharsets.UTF_8); // 31 bytes
            try (ServerSocket listener = new ServerSocket(0, 1, LOOPBACK);
                 Socket client = new Socket(LOOPBACK, listener.getLocalPort());
                 Socket served = listener.accept()) {
                served.setSoTimeout(1_000); // "at most a second": per read, which is the trouble
                ScheduledExecutorService timer = trickle(client, name, 100);
                long start = System.nanoTime();
                String got = ClientListServer.readName(new BufferedInputStream(served.getInputStream()));
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                timer.shutdownNow();

                assertThat(got).isEqualTo("a-name-sent-one-byte-at-a-time");
                assertThat(took).isGreaterThan(Duration.ofSeconds(2)); // twice the "timeout", and never cut off
            }
        }

        @Test
        void closing_with_input_unread_resets_the_connection_and_the_rest_of_the_answer_is_lost() throws Exception {
            int answer = 64 * 1024;
            try (ServerSocket listener = new ServerSocket(0, 1, LOOPBACK); Socket client = new Socket()) {
                client.setReceiveBufferSize(4096); // a small window: most of the answer waits on the server's side
                client.connect(new InetSocketAddress(LOOPBACK, listener.getLocalPort()));
                client.setSoTimeout(10_000);
                try (Socket served = listener.accept()) {
                    client.getOutputStream().write("bob\n".getBytes(StandardCharsets.UTF_8));
                    assertThat(served.getInputStream().readNBytes(4)).asString(StandardCharsets.UTF_8).isEqualTo("bob\n");
                    client.getOutputStream().write("and more\n".getBytes(StandardCharsets.UTF_8)); // never read
                    awaitUnread(served, 9);
                    served.getOutputStream().write(new byte[answer]); // the whole answer is handed to the kernel
                    served.shutdownOutput(); // an orderly end is queued behind it, but ...
                } // ... closing with 9 bytes unread sends a reset instead, and drops what was not sent yet

                InputStream in = client.getInputStream();
                byte[] buffer = new byte[4096];
                AtomicInteger got = new AtomicInteger();
                assertThatThrownBy(() -> {
                    for (int n; (n = in.read(buffer)) != -1; ) {
                        got.addAndGet(n);
                    }
                }).isInstanceOf(java.net.SocketException.class).hasMessageContaining("reset");
                assertThat(got.get()).as("bytes of the %d-byte answer that arrived", answer).isLessThan(answer);
            }
        }

        @Test
        void checking_for_an_error_key_takes_the_list_of_a_client_named_error_for_a_refusal() throws Exception {
            try (ClientListTest.Running r = new ClientListTest.Running()) {
                r.register("error");
                JsonNode list = r.register("bob");
                assertThat(list.has("error")).isTrue(); // the old check: "refused"
                assertThat(list.has("bob")).isTrue(); // yet it is a list, with bob in it
            }
        }
    }

    @Nested
    @Tag("fix")
    class Fix {

        @Test
        void the_name_deadline_answers_a_client_that_sends_a_byte_every_100_ms_within_twice_the_limit()
                throws Exception {
            try (ClientListTest.Running r = new ClientListTest.Running("virtual", Duration.ofSeconds(1), 100);
                 Socket loris = r.connect()) {
                ScheduledExecutorService timer = trickle(loris, "x".repeat(200).getBytes(StandardCharsets.UTF_8), 100);
                long start = System.nanoTime();
                try {
                    JsonNode answer = ClientListTest.JSON.readTree(loris.getInputStream().readAllBytes());
                    Duration took = Duration.ofNanos(System.nanoTime() - start);
                    assertThat(ClientListClient.refusal(answer)).isEqualTo("no whole name within 1000 ms");
                    assertThat(took).isLessThan(Duration.ofSeconds(2));
                } finally {
                    timer.shutdownNow();
                }
                assertThat(r.register("carol").has("carol")).isTrue();
            }
        }

        @Test
        void a_client_that_never_reads_its_answer_is_closed_at_the_deadline_and_frees_the_only_thread()
                throws Exception {
            // One handler thread, and an answer of several MiB for a client that reads none of it:
            // without a deadline on the write, that client would keep the thread for ever.
            // 3 s: the patient client must take its whole 7 MB answer within the same limit, and
            // on a loaded 2-core machine 1 s was sometimes not enough (the answer came cut).
            try (ClientListTest.Running r = new ClientListTest.Running("pool:1", Duration.ofSeconds(3), 100, 100_000);
                 Socket greedy = new Socket()) {
                r.fill(40_000); // about 7 MB of JSON: more than any socket buffers hold, under the client's 8 MiB
                greedy.setReceiveBufferSize(4096);
                greedy.connect(new InetSocketAddress(LOOPBACK, r.server.localAddress().getPort()));
                greedy.getOutputStream().write("greedy\n".getBytes(StandardCharsets.UTF_8));

                JsonNode next = r.register("patient"); // waits for the pool's thread, then is served
                assertThat(next.has("patient")).isTrue();
                assertThat(r.log.toString(StandardCharsets.UTF_8)).contains("read none of its answer for 3000 ms");
            }
        }

        @Test
        void a_client_named_error_is_listed_and_does_not_make_the_next_answer_look_like_a_refusal() throws Exception {
            try (ClientListTest.Running r = new ClientListTest.Running()) {
                r.register("error");
                JsonNode list = r.register("bob");
                assertThat(ClientListClient.refusal(list)).isNull();
                assertThat(list.has("bob")).isTrue();
                assertThat(list.get("error").get("name").asString()).isEqualTo("error");
            }
        }

        @Test
        void the_list_keeps_at_most_max_entries_names_forgetting_the_oldest() throws Exception {
            try (ClientListTest.Running r = new ClientListTest.Running("virtual", Duration.ofSeconds(10), 100, 3)) {
                for (String name : new String[] {"a", "b", "c", "d"}) {
                    r.register(name);
                }
                assertThat(r.register("b").propertyNames()).containsExactly("b", "c", "d"); // "a" was the oldest
                // "b" sent again counts as the newest, so "c" is the oldest now, and goes first.
                assertThat(r.register("e").propertyNames()).containsExactly("b", "d", "e");
            }
        }

        @Test
        void reading_a_name_from_fuzzed_bytes_returns_a_short_valid_name_or_refuses_it_and_nothing_else() {
            java.util.Random random = new java.util.Random(0xF022_05L);
            for (int i = 0; i < 20_000; i++) {
                byte[] input = new byte[random.nextInt(400)];
                random.nextBytes(input);
                if (random.nextBoolean()) { // mostly text, with a newline somewhere
                    for (int k = 0; k < input.length; k++) {
                        input[k] = (byte) (k == input.length / 2 ? '\n' : 'a' + random.nextInt(26));
                    }
                }
                try {
                    String name = ClientListServer.readName(new java.io.ByteArrayInputStream(input));
                    assertThat(name).isNotEmpty().doesNotContain("\n");
                    assertThat(name.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(ClientListServer.MAX_NAME_BYTES);
                } catch (ClientListServer.BadNameException declared) {
                    // empty, too long, or not UTF-8
                } catch (IOException | RuntimeException e) {
                    throw new AssertionError("readName threw " + e + " for input " + i + " (seed 0xF02205): "
                            + java.util.HexFormat.of().formatHex(input), e);
                }
            }
        }

        @Test
        void a_client_that_sends_more_after_its_name_still_gets_the_whole_list_and_an_orderly_end() throws Exception {
            // One slot, so that a free slot means this client's handler has finished with it.
            try (ClientListTest.Running r = new ClientListTest.Running("virtual", Duration.ofSeconds(10), 1, 1_000);
                 Socket client = new Socket()) {
                r.fill(400); // about 50 KiB of JSON, many times the client's window
                client.setReceiveBufferSize(4096);
                client.connect(new InetSocketAddress(LOOPBACK, r.server.localAddress().getPort()));
                client.setSoTimeout(10_000);
                OutputStream out = client.getOutputStream();
                out.write("late\n".getBytes(StandardCharsets.UTF_8));
                InputStream in = client.getInputStream();
                int first = in.read(); // the answer has begun: the server has read the name, and no more
                out.write("and more\n".getBytes(StandardCharsets.UTF_8)); // left unread by the name reader
                out.flush();
                client.shutdownOutput();
                // Only once the handler has closed the connection, read on.
                assertThat(r.awaitFreeSlot()).as("the handler finishes within 10 s").isTrue();

                byte[] rest = in.readAllBytes(); // throws "Connection reset" if the server reset it
                byte[] answer = new byte[1 + rest.length];
                answer[0] = (byte) first;
                System.arraycopy(rest, 0, answer, 1, rest.length);
                JsonNode list = ClientListTest.JSON.readTree(answer);
                assertThat(list.size()).isEqualTo(401);
                assertThat(list.has("late")).isTrue();
            }
        }

        @Test
        void a_refused_client_that_is_still_sending_gets_the_whole_refusal_and_an_orderly_end() throws Exception {
            try (ClientListTest.Running r = new ClientListTest.Running(); Socket s = r.connect()) {
                OutputStream out = s.getOutputStream();
                out.write(("x".repeat(300) + "\n").getBytes(StandardCharsets.UTF_8)); // too long a name,
                out.write(new byte[32 * 1024]); // and more the server will never look at
                s.shutdownOutput();
                InputStream in = s.getInputStream();
                byte[] answer = in.readAllBytes(); // throws if the server reset the connection
                assertThat(ClientListClient.refusal(ClientListTest.JSON.readTree(answer)))
                        .isEqualTo("name longer than 256 bytes");
            }
        }
    }
}
