package sockets.threaded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The paths a happy client never takes: a client that resets is one log line; {@code closeNow()}
 * ends a connection in the middle of its name; and the client half-closes after its name, so a
 * server that reads the name to end of stream (as the seed's client expects) answers too.
 */
@Tag("fix")
@Timeout(60)
class FailedConnectionsTest {

    private static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    /** A log a test can wait on, with a bound. */
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

        synchronized String awaitLine(String part) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!text().contains(part) && System.nanoTime() < deadline) {
                wait(100);
            }
            return text();
        }
    }

    @Test
    void a_client_that_resets_in_the_middle_of_its_name_is_one_log_line() throws Exception {
        Log log = new Log();
        try (ClientListServer server = ClientListServer.bind(ANY, "virtual", Duration.ofSeconds(10), 10, log.stream)) {
            Thread.ofVirtual().start(server::serve);
            try (Socket s = new Socket()) {
                s.connect(server.localAddress(), 5000);
                s.getOutputStream().write("half a na".getBytes(StandardCharsets.US_ASCII));
                s.setSoLinger(true, 0); // close() sends RST
            }
            assertThat(log.awaitLine("connection failed")).contains("connection failed");
        }
    }

    @Test
    void closeNow_ends_a_connection_that_is_still_sending_its_name_whatever_runs_the_handlers() throws Exception {
        // The same promise whichever threads run the handlers. Stopping is not an accept failure
        // either, and says nothing about one.
        for (String threads : new String[] {"virtual", "platform"}) {
            Log log = new Log();
            ClientListServer server = ClientListServer.bind(ANY, threads, Duration.ofSeconds(30), 10, log.stream);
            Thread.ofVirtual().start(server::serve);
            try (Socket s = new Socket()) {
                s.connect(server.localAddress(), 5000);
                s.setSoTimeout(10_000);
                s.getOutputStream().write("no newline yet".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                server.closeNow();
                try {
                    assertThat(s.getInputStream().read()).as("the connection ends (" + threads + ")").isEqualTo(-1);
                } catch (SocketException reset) {
                    // closed with our bytes unread: a reset ends it too
                }
            }
            assertThat(server.awaitStopped(Duration.ofSeconds(10))).isTrue();
            assertThat(log.text()).doesNotContain("accept failed");
        }
    }

    @Test
    void the_client_takes_an_answer_of_exactly_its_limit_and_refuses_one_byte_more() throws Exception {
        for (int extra : new int[] {0, 1}) {
            byte[] answer = new byte[ClientListClient.MAX_ANSWER_BYTES + extra];
            java.util.Arrays.fill(answer, (byte) ' '); // JSON may end in any amount of white space
            byte[] list = "{\"big\": {}}".getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(list, 0, answer, 0, list.length);
            try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()); Socket client = new Socket()) {
                CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                    try (Socket peer = listener.accept()) {
                        peer.setSoTimeout(10_000);
                        peer.getInputStream().readAllBytes();
                        peer.getOutputStream().write(answer);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }, Thread::startVirtualThread);
                client.connect(listener.getLocalSocketAddress(), 5000);
                client.setSoTimeout(10_000);
                if (extra == 0) {
                    assertThat(ClientListClient.register(client, "big").has("big")).isTrue();
                } else {
                    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ClientListClient.register(client, "big"))
                            .isInstanceOf(IOException.class).hasMessage("the answer is longer than 8388608 bytes");
                }
                served.get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void register_half_closes_so_a_server_that_reads_the_name_to_end_of_stream_answers() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()); Socket client = new Socket()) {
            CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
                try (Socket peer = listener.accept()) {
                    peer.setSoTimeout(10_000);
                    String name = new String(peer.getInputStream().readAllBytes(), StandardCharsets.UTF_8); // to end of stream
                    peer.getOutputStream().write(("{\"" + name.strip() + "\": {}}").getBytes(StandardCharsets.UTF_8));
                    return name;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, Thread::startVirtualThread);
            client.connect(listener.getLocalSocketAddress(), 5000);
            client.setSoTimeout(10_000);
            assertThat(ClientListClient.register(client, "erin").has("erin")).isTrue();
            assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo("erin\n");
        }
    }
}
