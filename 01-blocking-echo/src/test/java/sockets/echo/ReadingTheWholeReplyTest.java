package sockets.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * E-07 (BUG-14): the seed's client takes one {@code recv(1024)} for the whole echo. A read
 * returns whatever has arrived, so the reply is cut wherever the network happened to split it.
 */
@Timeout(30)
class ReadingTheWholeReplyTest {

    private static final byte[] HELLO = "Hello, world".getBytes(StandardCharsets.US_ASCII);

    @Nested
    @Tag("pitfall")
    class Pitfall {

        @Test
        void naive_client_returns_half_the_echo_when_it_arrives_in_two_pieces() throws Exception {
            try (TwoPieceEchoPeer peer = new TwoPieceEchoPeer(HELLO.length, 5); Socket s = peer.connect()) {
                byte[] reply = NaiveEchoClient.roundTrip(peer.watch(s.getInputStream()), s.getOutputStream(), HELLO);

                assertThat(new String(reply, StandardCharsets.US_ASCII)).isEqualTo("Hello");
                peer.done.get(10, TimeUnit.SECONDS); // ", world" was sent too, and never read
            }
        }

        @Test
        void naive_client_never_sees_more_than_1024_bytes_of_a_longer_echo() throws Exception {
            byte[] request = random(4096);
            try (RunningEchoServer server = RunningEchoServer.start(); Socket s = server.connect()) {
                byte[] reply = NaiveEchoClient.roundTrip(s.getInputStream(), s.getOutputStream(), request);

                // A prefix of the echo, short of the whole ...
                assertThat(reply.length).isLessThan(request.length);
                assertThat(reply).isEqualTo(java.util.Arrays.copyOf(request, reply.length));
                // ... while the rest of it did arrive, and sits unread in the socket.
                s.setSoTimeout(10_000);
                byte[] rest = s.getInputStream().readNBytes(request.length - reply.length);
                assertThat(rest).isEqualTo(java.util.Arrays.copyOfRange(request, reply.length, request.length));
            }
        }

        /**
         * The flip side of "read everything": writing the whole request before reading anything.
         * An echo server answers while the request is still arriving; once the echo fills the
         * client's receive buffer and the server's send buffer, the server stops reading, the
         * request fills the other two buffers, and both sides wait for each other for ever.
         */
        @Test
        void naive_client_that_writes_everything_before_reading_never_finishes_a_large_echo() throws Exception {
            byte[] request = random(largerThanEveryBufferOnThePath());
            try (RunningEchoServer server = RunningEchoServer.start(); Socket s = new Socket()) {
                s.setReceiveBufferSize(4096);
                s.setSendBufferSize(4096);
                s.connect(server.server.localAddress());
                CompletableFuture<byte[]> reply = CompletableFuture.supplyAsync(() -> {
                    try {
                        return NaiveEchoClient.roundTrip(s.getInputStream(), s.getOutputStream(), request);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }, Thread::startVirtualThread);

                // A bounded wait to show "never": the request cannot fit, so the write cannot end.
                assertThat(reply).failsWithin(500, TimeUnit.MILLISECONDS)
                        .withThrowableOfType(java.util.concurrent.TimeoutException.class);
            }
        }
    }

    @Nested
    @Tag("fix")
    class Fix {

        @Test
        void round_trip_reassembles_an_echo_that_arrives_in_two_pieces() throws Exception {
            try (TwoPieceEchoPeer peer = new TwoPieceEchoPeer(HELLO.length, 5); Socket s = peer.connect()) {
                byte[] reply = EchoClient.roundTrip(peer.watch(s.getInputStream()), s.getOutputStream(), HELLO);

                assertThat(new String(reply, StandardCharsets.US_ASCII)).isEqualTo("Hello, world");
            }
        }

        @Test
        void round_trip_gets_every_byte_of_an_echo_larger_than_every_buffer_on_the_path() throws Exception {
            byte[] request = random(largerThanEveryBufferOnThePath());
            try (RunningEchoServer server = RunningEchoServer.start(); Socket s = new Socket()) {
                s.setReceiveBufferSize(4096);
                s.setSendBufferSize(4096);
                s.connect(server.server.localAddress());

                byte[] reply = EchoClient.roundTrip(s.getInputStream(), s.getOutputStream(), request);

                assertThat(reply).isEqualTo(request);
            }
        }

        @Test
        void read_exactly_reports_a_peer_that_closes_early_instead_of_returning_a_short_reply() throws Exception {
            try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                 Socket s = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                 Socket peer = listener.accept()) {
                peer.getOutputStream().write("Hel".getBytes(StandardCharsets.US_ASCII));
                peer.close();

                assertThatThrownBy(() -> EchoClient.readExactly(s.getInputStream(), 5))
                        .isInstanceOf(EOFException.class)
                        .hasMessage("connection closed after 3 of 5 bytes");
            }
        }

        @Test
        void round_trip_reports_a_reset_instead_of_hanging() throws Exception {
            try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                 Socket s = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
                try (Socket peer = listener.accept()) {
                    peer.setSoLinger(true, 0); // close with RST
                }
                assertThatThrownBy(() -> EchoClient.roundTrip(s.getInputStream(), s.getOutputStream(), HELLO))
                        .isInstanceOfAny(SocketException.class, EOFException.class);
            }
        }
    }

    /**
     * Twice the most that the client's and server's socket buffers can hold between them, from
     * the kernel's autotuning limits, so that no buffer growth can make the data fit.
     */
    static int largerThanEveryBufferOnThePath() throws IOException {
        long most = 8L << 20;
        Path rmem = Path.of("/proc/sys/net/ipv4/tcp_rmem");
        Path wmem = Path.of("/proc/sys/net/ipv4/tcp_wmem");
        if (Files.isReadable(rmem) && Files.isReadable(wmem)) {
            most = lastField(rmem) + lastField(wmem);
        }
        return (int) Math.min(2 * most + (1 << 20), 128L << 20);
    }

    private static long lastField(Path p) throws IOException {
        // Not Files.readString: on JDK 25 it returns only the first character of a /proc file.
        String[] fields = Files.readAllLines(p).getFirst().trim().split("\\s+");
        return Long.parseLong(fields[fields.length - 1]);
    }

    static byte[] random(int n) {
        byte[] bytes = new byte[n];
        new Random(n).nextBytes(bytes);
        return bytes;
    }
}
