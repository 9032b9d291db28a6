package sockets.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** D-04: the HTTP-style half-close, and a server that ends every conversation without a reset. */
@Timeout(60)
class HalfCloseServerTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private HalfCloseServer server;
    private Thread serving;

    @BeforeEach
    void start() throws IOException {
        // 2 s for a whole request: far more than any client here needs, even on a loaded machine.
        server = HalfCloseServer.bind(new InetSocketAddress(LOOPBACK, 0), Duration.ofSeconds(2), 1024,
                new PrintStream(log, true, StandardCharsets.UTF_8));
        serving = Thread.ofPlatform().start(server::serve);
    }

    @AfterEach
    void stop() throws InterruptedException {
        server.close();
        serving.join(5_000);
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(LOOPBACK, server.localAddress().getPort());
        s.setSoTimeout(10_000);
        return s;
    }

    private static ByteArrayInputStream text(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    @Nested
    @Tag("pitfall")
    class Pitfall {

        // tag::pitfall[]
        @Test
        void without_a_half_close_the_server_waits_for_the_end_of_the_request_and_never_answers_it() throws IOException {
            try (Socket s = connect()) {
                s.setSoTimeout(300); // far shorter than the server's 2 s: a bounded wait to show no answer comes
                assertThatThrownBy(() -> HalfCloseClient.exchange(s, text("hello"), false))
                        .isInstanceOf(SocketTimeoutException.class);
            }
        }
        // end::pitfall[]
    }

    @Nested
    @Tag("fix")
    class Fix {

        @Test
        void with_a_half_close_the_answer_arrives() throws IOException {
            try (Socket s = connect()) {
                assertThat(HalfCloseClient.exchange(s, text("hello, world"), true)).asString(StandardCharsets.UTF_8)
                        .isEqualTo("HELLO, WORLD");
            }
        }

        @Test
        void a_client_that_never_half_closes_gets_an_error_after_the_read_timeout_not_a_hang() throws IOException {
            try (Socket s = connect()) {
                byte[] answer = HalfCloseClient.exchange(s, text("hello"), false);
                assertThat(new String(answer, StandardCharsets.UTF_8)).startsWith("error: no end of request within 2000 ms");
            }
        }

        @Test
        void a_request_over_the_limit_is_refused_with_an_answer_and_an_orderly_close_not_a_reset() throws Exception {
            byte[] big = new byte[100_000];
            Arrays.fill(big, (byte) 'x');
            try (Socket s = connect()) {
                // The client keeps sending after the server decided; the server drains, so no RST.
                byte[] answer = HalfCloseClient.exchange(s, new ByteArrayInputStream(big), true);
                assertThat(new String(answer, StandardCharsets.UTF_8)).isEqualTo("error: request over 1024 bytes\n");
            }
        }

        @Test
        void many_clients_at_once_each_get_their_own_answer() throws Exception {
            var futures = new java.util.ArrayList<java.util.concurrent.CompletableFuture<String>>();
            for (int i = 0; i < 50; i++) {
                String request = "client " + i;
                futures.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try (Socket s = connect()) {
                        return new String(HalfCloseClient.exchange(s, text(request), true), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }, Thread::startVirtualThread));
            }
            for (int i = 0; i < 50; i++) {
                assertThat(futures.get(i).get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("CLIENT " + i);
            }
        }
    }
}
