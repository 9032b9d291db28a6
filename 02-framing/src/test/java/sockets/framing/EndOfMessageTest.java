package sockets.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * F-03: a socket has no end-of-message marker. "Read until the end of the stream" finds the end of
 * a message only if the sender closes the connection after it; on a connection that stays open for
 * the next request, that read never returns.
 */
@Timeout(30)
class EndOfMessageTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Nested
    @Tag("pitfall")
    class Pitfall {

        @Test
        void reading_to_end_of_stream_on_a_connection_that_stays_open_never_returns() throws Exception {
            try (ServerSocket listener = new ServerSocket(0, 1, LOOPBACK);
                 Socket client = new Socket(LOOPBACK, listener.getLocalPort());
                 Socket server = listener.accept()) {
                client.getOutputStream().write("PING".getBytes(StandardCharsets.US_ASCII)); // and waits for PONG

                server.setSoTimeout(300); // a bounded wait, to show the request is never "complete"
                assertThatThrownBy(() -> NaiveFraming.readReply(server.getInputStream()))
                        .isInstanceOf(SocketTimeoutException.class);
            }
        }
    }

    @Nested
    @Tag("fix")
    class Fix {

        @Test
        void length_prefixed_requests_on_one_connection_are_each_answered() throws Exception {
            try (ServerSocket listener = new ServerSocket(0, 1, LOOPBACK);
                 Socket client = new Socket(LOOPBACK, listener.getLocalPort())) {
                CompletableFuture<Integer> server = CompletableFuture.supplyAsync(() -> {
                    try (Socket s = listener.accept()) {
                        FrameReader requests = new LengthPrefixedReader(new BufferedInputStream(s.getInputStream()), 1024);
                        FrameWriter replies = new LengthPrefixedWriter(s.getOutputStream(), 1024);
                        int answered = 0;
                        byte[] request;
                        while ((request = requests.readFrame()) != null) {
                            replies.writeFrame(("PONG " + new String(request, StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII));
                            answered++;
                        }
                        return answered;
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }, Thread::startVirtualThread);

                FrameWriter requests = new LengthPrefixedWriter(client.getOutputStream(), 1024);
                FrameReader replies = new LengthPrefixedReader(new BufferedInputStream(client.getInputStream()), 1024);
                for (String ping : new String[] {"1", "2"}) {
                    requests.writeFrame(ping.getBytes(StandardCharsets.US_ASCII));
                    assertThat(replies.readFrame()).asString(StandardCharsets.US_ASCII).isEqualTo("PONG " + ping);
                }
                client.shutdownOutput();
                assertThat(server.get(10, TimeUnit.SECONDS)).isEqualTo(2);
            }
        }

        @Test
        void with_one_message_per_connection_the_end_of_stream_is_the_end_of_the_message() throws Exception {
            try (ServerSocket listener = new ServerSocket(0, 1, LOOPBACK);
                 Socket client = new Socket(LOOPBACK, listener.getLocalPort());
                 Socket server = listener.accept()) {
                new CloseDelimitedWriter(client).writeFrame("the whole request".getBytes(StandardCharsets.US_ASCII));
                assertThat(new CloseDelimitedReader(server.getInputStream(), 1024).readFrame())
                        .asString(StandardCharsets.US_ASCII).isEqualTo("the whole request");
            }
        }
    }
}
