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

        synchronized String awaitLine(String part) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!bytes.toString(StandardCharsets.UTF_8).contains(part) && System.nanoTime() < deadline) {
                wait(100);
            }
            return bytes.toString(StandardCharsets.UTF_8);
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
    void closeNow_ends_a_connection_that_is_still_sending_its_name() throws Exception {
        ClientListServer server = ClientListServer.bind(ANY, "virtual", Duration.ofSeconds(30), 10, new Log().stream);
        Thread.ofVirtual().start(server::serve);
        try (Socket s = new Socket()) {
            s.connect(server.localAddress(), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write("no newline yet".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            server.closeNow();
            try {
                assertThat(s.getInputStream().read()).as("the connection ends").isEqualTo(-1);
            } catch (SocketException reset) {
                // closed with our bytes unread: a reset ends it too
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
