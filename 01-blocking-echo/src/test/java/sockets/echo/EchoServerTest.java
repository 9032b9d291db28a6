package sockets.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link EchoServer}'s promises: every byte back, one client after another (the seed's server
 * serves exactly one and never closes its listener, BUG-15), and no client can hold it for ever.
 */
@Timeout(30)
@Tag("fix")
class EchoServerTest {

    @Test
    void echoes_1_MiB_byte_for_byte() throws Exception {
        byte[] request = ReadingTheWholeReplyTest.random(1 << 20);
        try (RunningEchoServer server = RunningEchoServer.start(); Socket s = server.connect()) {
            CompletableFuture<Void> sent = sendThenHalfClose(s, request);

            byte[] echo = s.getInputStream().readAllBytes(); // until the server closes

            sent.get(10, TimeUnit.SECONDS);
            assertThat(echo).isEqualTo(request);
            assertThat(server.server.awaitStopped(Duration.ofMillis(1))).as("still serving").isFalse();
        }
    }

    @Test
    void logs_each_connection_with_its_peer_and_how_many_bytes_it_echoed() throws Exception {
        try (RunningEchoServer server = RunningEchoServer.start()) {
            String peer;
            try (Socket s = server.connect()) {
                peer = "127.0.0.1:" + s.getLocalPort();
                EchoClient.roundTrip(s.getInputStream(), s.getOutputStream(), new byte[3_000]);
                s.shutdownOutput();
                assertThat(s.getInputStream().read()).isEqualTo(-1); // the server has finished with us
            }
            try (Socket next = server.connect()) { // served only once the first is logged and gone
                EchoClient.roundTrip(next.getInputStream(), next.getOutputStream(), new byte[1]);
            }
            assertThat(server.log()).contains("connection from " + peer + "\n",
                    peer + " closed its side; echoed 3000 bytes\n");
        }
    }

    @Test
    void a_timeout_that_is_not_whole_seconds_is_logged_in_milliseconds() throws Exception {
        try (RunningEchoServer server = RunningEchoServer.start(Duration.ofMillis(1_500)); Socket silent = server.connect()) {
            silent.setSoTimeout(20_000);
            assertThat(silent.getInputStream().read()).isEqualTo(-1); // dropped after 1.5 s of silence
            try (Socket next = server.connect()) {
                EchoClient.roundTrip(next.getInputStream(), next.getOutputStream(), new byte[1]);
            }
            assertThat(server.log()).contains("sent nothing for 1500 ms; disconnected");
        }
    }

    @Test
    void serves_the_next_client_after_the_first_one_leaves() throws Exception {
        try (RunningEchoServer server = RunningEchoServer.start()) {
            for (String word : new String[] {"first", "second", "third"}) {
                try (Socket s = server.connect()) {
                    byte[] reply = EchoClient.roundTrip(s.getInputStream(), s.getOutputStream(), word.getBytes());
                    assertThat(new String(reply)).isEqualTo(word);
                }
            }
        }
    }

    @Test
    void keeps_serving_after_a_client_resets_its_connection_mid_stream() throws Exception {
        try (RunningEchoServer server = RunningEchoServer.start()) {
            try (Socket rude = server.connect()) {
                rude.getOutputStream().write(new byte[100_000]);
                rude.setSoLinger(true, 0); // close() now sends RST instead of FIN
            }
            try (Socket s = server.connect()) {
                byte[] reply = EchoClient.roundTrip(s.getInputStream(), s.getOutputStream(), "still here".getBytes());
                assertThat(new String(reply)).isEqualTo("still here");
            }
            assertThat(server.log()).contains("connection failed");
        }
    }

    @Test
    void disconnects_a_client_that_sends_nothing_so_the_next_one_is_served() throws Exception {
        try (RunningEchoServer server = RunningEchoServer.start(Duration.ofMillis(200));
             Socket silent = server.connect();
             Socket next = server.connect()) {
            silent.getOutputStream().write('x');
            assertThat(silent.getInputStream().read()).isEqualTo('x'); // "silent" is being served

            byte[] reply = EchoClient.roundTrip(next.getInputStream(), next.getOutputStream(), "next".getBytes());

            assertThat(new String(reply)).isEqualTo("next");
            assertThat(silent.getInputStream().read()).isEqualTo(-1); // the server closed it
            assertThat(server.log()).contains("sent nothing for 200 ms; disconnected");
        }
    }

    @Test
    void disconnects_a_client_that_never_reads_its_echo_so_the_next_one_is_served() throws Exception {
        // 1 s, not less: the client's first bytes must reach the server before its read times out,
        // or the server would rightly report "sent nothing", even on a loaded machine.
        try (RunningEchoServer server = RunningEchoServer.start(Duration.ofSeconds(1));
             Socket blocker = server.connect();
             Socket greedy = new Socket()) {
            // While the server is busy with "blocker", greedy waits in the backlog and its first
            // bytes arrive there: so when the server gets to it, there is data at once, whatever
            // the machine's load, and the read timeout cannot be what ends it.
            EchoClient.roundTrip(blocker.getInputStream(), blocker.getOutputStream(), new byte[1]);
            greedy.setReceiveBufferSize(4096);
            greedy.connect(server.server.localAddress());
            greedy.getOutputStream().write(new byte[16 * 1024]);
            // Then far more than the buffers hold, never reading: the server's write must stall.
            CompletableFuture<Void> flood = sendThenHalfClose(greedy,
                    new byte[ReadingTheWholeReplyTest.largerThanEveryBufferOnThePath()]);
            blocker.close();
            Socket next = server.connect();

            byte[] reply = EchoClient.roundTrip(next.getInputStream(), next.getOutputStream(), "next".getBytes());

            assertThat(new String(reply)).isEqualTo("next");
            assertThat(server.log()).contains("read none of its echo for 1 s; disconnected");
            assertThat(flood).failsWithin(10, TimeUnit.SECONDS); // its connection was closed under it
            next.close();
        }
    }

    @Test
    void close_disconnects_the_current_client_and_stops_serving() throws Exception {
        RunningEchoServer server = RunningEchoServer.start();
        try (Socket s = server.connect()) {
            s.getOutputStream().write('x');
            assertThat(s.getInputStream().read()).isEqualTo('x');

            server.close();

            assertThat(server.server.awaitStopped(Duration.ofSeconds(5))).isTrue();
            assertThat(server.log()).contains("disconnected: the server is stopping");
            s.setSoTimeout(5_000);
            int next;
            try {
                next = s.getInputStream().read();
            } catch (IOException reset) {
                next = -1;
            }
            assertThat(next).isEqualTo(-1);
        }
    }

    static CompletableFuture<Void> sendThenHalfClose(Socket s, byte[] bytes) {
        return CompletableFuture.runAsync(() -> {
            try {
                OutputStream out = s.getOutputStream();
                out.write(bytes);
                s.shutdownOutput();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, Thread::startVirtualThread);
    }
}
