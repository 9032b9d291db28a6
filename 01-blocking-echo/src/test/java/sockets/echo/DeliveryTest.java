package sockets.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a finished write means: E-11 (only that the kernel has the bytes, not that the peer's
 * program read them) and E-12 (with a buffered writer, not even that).
 */
@Timeout(30)
class DeliveryTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    // tag::confirmed-send[]
    /**
     * Sends a request and returns only when the server has said it processed it. The "OK" line
     * is the only evidence of delivery a client ever gets; a returned write is not.
     */
    static void sendAndConfirm(Socket socket, byte[] request) throws IOException {
        socket.getOutputStream().write(request);
        String answer = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                .readLine();
        if (!"OK".equals(answer)) {
            throw new IOException("the server did not confirm the request (answer: " + answer + ")");
        }
    }
    // end::confirmed-send[]

    @Nested
    @Tag("pitfall")
    class Pitfall {

        @Test
        void a_write_returns_although_the_server_program_never_reads_the_bytes() throws Exception {
            try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0));
                 Socket client = new Socket(LOOPBACK, listener.socket().getLocalPort());
                 SocketChannel accepted = listener.accept()) {
                client.getOutputStream().write(new byte[1024]); // returns: the kernel has the bytes

                // Wait until the bytes sit in the server's receive buffer, without reading them ...
                accepted.configureBlocking(false);
                try (Selector selector = Selector.open()) {
                    accepted.register(selector, SelectionKey.OP_READ);
                    assertThat(selector.select(10_000)).isEqualTo(1);
                } // closing the selector deregisters the channel, so close() below is immediate
                // ... then the server program "crashes" before processing them. Closing a channel
                // with unread input makes Linux answer with a reset.
                accepted.close();

                client.setSoTimeout(10_000);
                assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketException.class);
            }
        }

        @Test
        void a_buffered_writer_that_is_not_flushed_sends_nothing_and_the_reply_never_comes() throws Exception {
            try (ServerSocket listener = new ServerSocket(0, 1, LOOPBACK);
                 Socket client = new Socket(LOOPBACK, listener.getLocalPort())) {
                CompletableFuture<String> server = pingPongServer(listener);
                BufferedWriter writer = new BufferedWriter(new OutputStreamWriter(client.getOutputStream(),
                        StandardCharsets.US_ASCII));
                writer.write("PING\n"); // sits in the writer's 8 KiB buffer, inside this JVM

                client.setSoTimeout(300); // a bounded wait, to show the reply never comes
                assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
                assertThat(server.get(10, TimeUnit.SECONDS)).isEqualTo("received nothing");
            }
        }
    }

    @Nested
    @Tag("fix")
    class Fix {

        @Test
        void an_application_level_acknowledgement_confirms_the_server_processed_the_request() throws Exception {
            try (ServerSocket listener = new ServerSocket(0, 1, LOOPBACK);
                 Socket client = new Socket(LOOPBACK, listener.getLocalPort())) {
                CompletableFuture<Integer> processed = CompletableFuture.supplyAsync(() -> {
                    try (Socket s = listener.accept()) {
                        int n = s.getInputStream().readNBytes(1024).length;
                        s.getOutputStream().write("OK\n".getBytes(StandardCharsets.US_ASCII));
                        return n;
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }, Thread::startVirtualThread);

                sendAndConfirm(client, new byte[1024]);

                assertThat(processed.get(10, TimeUnit.SECONDS)).isEqualTo(1024);
            }
        }

        @Test
        void waiting_for_the_acknowledgement_exposes_a_server_that_died_before_processing() throws Exception {
            try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress(LOOPBACK, 0));
                 Socket client = new Socket(LOOPBACK, listener.socket().getLocalPort());
                 SocketChannel accepted = listener.accept()) {
                accepted.close(); // dies without processing or answering

                assertThatThrownBy(() -> sendAndConfirm(client, new byte[1024])).isInstanceOf(IOException.class);
            }
        }

        @Test
        void flushing_the_buffered_writer_sends_the_request_and_the_reply_arrives() throws Exception {
            try (ServerSocket listener = new ServerSocket(0, 1, LOOPBACK);
                 Socket client = new Socket(LOOPBACK, listener.getLocalPort())) {
                CompletableFuture<String> server = pingPongServer(listener);
                BufferedWriter writer = new BufferedWriter(new OutputStreamWriter(client.getOutputStream(),
                        StandardCharsets.US_ASCII));
                writer.write("PING\n");
                writer.flush();

                client.setSoTimeout(10_000);
                BufferedReader reader = new BufferedReader(new InputStreamReader(client.getInputStream(),
                        StandardCharsets.US_ASCII));
                assertThat(reader.readLine()).isEqualTo("PONG");
                assertThat(server.get(10, TimeUnit.SECONDS)).isEqualTo("PING");
            }
        }
    }

    /** Answers one "PING" line with "PONG"; reports what it received, or that nothing came in 2 s. */
    private static CompletableFuture<String> pingPongServer(ServerSocket listener) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket s = listener.accept()) {
                s.setSoTimeout(2_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                String line;
                try {
                    line = in.readLine();
                } catch (SocketTimeoutException nothing) {
                    return "received nothing";
                }
                s.getOutputStream().write("PONG\n".getBytes(StandardCharsets.US_ASCII));
                return line;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, Thread::startVirtualThread);
    }
}
