package sockets.framing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link FramingServer}: whole messages back, bad input rejected early, and nobody else affected. */
@Timeout(60)
@Tag("fix")
class FramingServerTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void echoes_a_frame_delivered_one_byte_per_write() throws Exception {
        try (RunningFramingServer server = RunningFramingServer.length(); Socket s = server.connect()) {
            s.setTcpNoDelay(true);
            byte[] frame = ByteBuffer.allocate(4 + 5).putInt(5).put(b("hello")).array();
            OutputStream out = s.getOutputStream();
            for (byte x : frame) {
                out.write(x);
                out.flush();
            }
            byte[] reply = s.getInputStream().readNBytes(frame.length);
            assertThat(reply).isEqualTo(frame);
        }
    }

    @Test
    void echoes_many_frames_of_many_sizes_on_one_connection() throws Exception {
        Random random = new Random(5);
        try (RunningFramingServer server = RunningFramingServer.length(); Socket s = server.connect()) {
            for (int size : new int[] {0, 1, 100, 65_536, 65_537, 1 << 20}) {
                byte[] message = new byte[size];
                random.nextBytes(message);
                assertThat(RunningFramingServer.exchange(s, message)).isEqualTo(message);
            }
        }
    }

    @Test
    void closes_a_client_that_announces_2_to_the_31_minus_1_bytes_and_keeps_answering_another() throws Exception {
        try (RunningFramingServer server = RunningFramingServer.length();
             Socket liar = server.connect();
             Socket honest = server.connect()) {
            liar.getOutputStream().write(new byte[] {0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});

            assertThat(RunningFramingServer.exchange(honest, b("still here"))).isEqualTo(b("still here"));
            assertThat(readOrReset(liar.getInputStream())).isEqualTo(-1); // its connection was closed
            assertThat(server.log()).contains("frame of 2147483647 bytes exceeds the limit of 1048576 bytes");
        }
    }

    @Test
    void closes_a_client_whose_frame_is_cut_off_by_end_of_stream_with_one_log_line() throws Exception {
        try (RunningFramingServer server = RunningFramingServer.length(); Socket s = server.connect()) {
            s.getOutputStream().write(ByteBuffer.allocate(4 + 3).putInt(10).put(b("abc")).array());
            s.shutdownOutput();
            assertThat(readOrReset(s.getInputStream())).isEqualTo(-1);
            try (Socket next = server.connect()) {
                RunningFramingServer.exchange(next, b("x")); // the server is still there, and the log written
            }
            assertThat(server.log()).contains("stream ended inside a frame: frame body: got 3 of 10 bytes");
        }
    }

    @Test
    void a_client_that_never_reads_does_not_hold_up_others_and_is_disconnected_at_its_reply_deadline() throws Exception {
        try (RunningFramingServer server = new RunningFramingServer(FramingServer.Framing.LENGTH, 1 << 20,
                Duration.ofSeconds(1));
             Socket greedy = new Socket()) {
            greedy.setReceiveBufferSize(4096);
            greedy.connect(server.server.localAddress());
            CompletableFuture<Void> flood = CompletableFuture.runAsync(() -> {
                try {
                    byte[] frame = ByteBuffer.allocate(4 + 65_536).putInt(65_536).array();
                    for (int i = 0; i < 2_000; i++) { // 128 MiB at most, more than any buffers hold
                        greedy.getOutputStream().write(frame);
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, Thread::startVirtualThread);
            try (Socket other = server.connect()) {
                assertThat(RunningFramingServer.exchange(other, b("served"))).isEqualTo(b("served"));
            }
            assertThat(flood).failsWithin(20, TimeUnit.SECONDS); // the server closed it under the writes
            assertThat(server.log()).contains("did not read its reply within 1000 ms; disconnected");
        }
    }

    @Test
    void serves_fifty_clients_at_once_each_with_its_own_messages() throws Exception {
        try (RunningFramingServer server = RunningFramingServer.length()) {
            List<CompletableFuture<Boolean>> clients = new ArrayList<>();
            for (int c = 0; c < 50; c++) {
                int id = c;
                clients.add(CompletableFuture.supplyAsync(() -> {
                    try (Socket s = server.connect()) {
                        for (int i = 0; i < 20; i++) {
                            byte[] m = b("client " + id + " message " + i);
                            if (!java.util.Arrays.equals(RunningFramingServer.exchange(s, m), m)) {
                                return false;
                            }
                        }
                        return true;
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }, Thread::startVirtualThread));
            }
            for (CompletableFuture<Boolean> c : clients) {
                assertThat(c.get(30, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    @Test
    void line_mode_echoes_lines_and_refuses_a_line_over_the_limit() throws Exception {
        try (RunningFramingServer server = new RunningFramingServer(FramingServer.Framing.LINE, 16, Duration.ofSeconds(30));
             Socket s = server.connect()) {
            s.getOutputStream().write(b("one\ntwo\n"));
            assertThat(s.getInputStream().readNBytes(8)).isEqualTo(b("one\ntwo\n"));
            s.getOutputStream().write(b("this line is far longer than sixteen bytes\n"));
            assertThat(readOrReset(s.getInputStream())).isEqualTo(-1);
            assertThat(server.log()).contains("more than 16 bytes without a delimiter");
        }
    }

    /** -1 for an orderly close; a reset (the server closed with our bytes unread) counts as closed too. */
    static int readOrReset(InputStream in) {
        try {
            return in.read();
        } catch (IOException reset) {
            return -1;
        }
    }
}
