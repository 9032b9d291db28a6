package sockets.framing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * F-02: {@code SocketChannel.write} is Python's {@code send}, not {@code sendall}. With a small
 * send buffer and a peer that is not reading, one write can only take part of a 2 MiB message.
 */
@Timeout(60)
class PartialWriteTest {

    private static final int SIZE = 2 << 20;

    private ServerSocketChannel listener;
    private SocketChannel writer;
    private SocketChannel peer;
    private byte[] message;

    @BeforeEach
    void connect() throws IOException {
        listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        writer = SocketChannel.open();
        writer.setOption(StandardSocketOptions.SO_SNDBUF, 4096);
        writer.connect(listener.getLocalAddress());
        peer = listener.accept();
        message = new byte[SIZE];
        new Random(2).nextBytes(message);
    }

    @AfterEach
    void close() throws IOException {
        writer.close();
        peer.close();
        listener.close();
    }

    @Nested
    @Tag("pitfall")
    class Pitfall {

        @Test
        void one_non_blocking_write_takes_only_part_of_the_message_and_the_naive_code_reports_all_of_it() throws Exception {
            writer.configureBlocking(false);
            ByteBuffer buffer = ByteBuffer.wrap(message);

            int believed = NaiveFraming.send(writer, buffer);

            assertThat(believed).isEqualTo(SIZE);
            assertThat(buffer.position()).as("bytes the kernel actually took").isLessThan(SIZE);
        }

        /**
         * Recorded JDK 25 behaviour, not a documented promise (the catalogue's F-02 note): a
         * blocking-mode {@code write} on a virtual thread returns after writing part of the buffer
         * when the peer is not reading, where a platform thread stays blocked until it is all written.
         */
        @Test
        void a_blocking_write_on_a_virtual_thread_can_return_after_a_partial_write() throws Exception {
            CompletableFuture<Integer> onVirtual = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> complete(onVirtual, () -> writer.write(ByteBuffer.wrap(message))));
            assertThat(onVirtual.get(10, TimeUnit.SECONDS)).isBetween(1, SIZE - 1);

            try (SocketChannel other = SocketChannel.open()) {
                other.setOption(StandardSocketOptions.SO_SNDBUF, 4096);
                other.connect(listener.getLocalAddress());
                try (SocketChannel otherPeer = listener.accept()) {
                    CompletableFuture<Integer> onPlatform = new CompletableFuture<>();
                    Thread.ofPlatform().daemon().start(() -> complete(onPlatform, () -> other.write(ByteBuffer.wrap(message))));
                    // A bounded wait to show the platform thread does not return while nothing is read.
                    assertThat(onPlatform).failsWithin(300, TimeUnit.MILLISECONDS)
                            .withThrowableOfType(TimeoutException.class);
                }
            }
        }
    }

    @Nested
    @Tag("fix")
    class Fix {

        @Test
        void write_fully_waits_for_room_and_the_peer_receives_every_byte() throws Exception {
            writer.configureBlocking(false);
            CompletableFuture<long[]> received = drainAndChecksum(peer);

            ChannelWriter.writeFully(writer, ByteBuffer.wrap(message));
            writer.shutdownOutput();

            assertThat(received.get(30, TimeUnit.SECONDS)).containsExactly(SIZE, crc(message));
        }

        @Test
        void write_fully_also_completes_a_blocking_write_on_a_virtual_thread() throws Exception {
            CompletableFuture<long[]> received = drainAndChecksum(peer);
            CompletableFuture<Integer> done = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> complete(done, () -> {
                ChannelWriter.writeFully(writer, ByteBuffer.wrap(message));
                writer.shutdownOutput();
                return 0;
            }));

            assertThat(received.get(30, TimeUnit.SECONDS)).containsExactly(SIZE, crc(message));
            assertThat(done.get(30, TimeUnit.SECONDS)).isZero();
        }
    }

    interface IoCall {
        int call() throws IOException;
    }

    private static void complete(CompletableFuture<Integer> f, IoCall call) {
        try {
            f.complete(call.call());
        } catch (Throwable e) {
            f.completeExceptionally(e);
        }
    }

    private static CompletableFuture<long[]> drainAndChecksum(SocketChannel ch) {
        return CompletableFuture.supplyAsync(() -> {
            CRC32 crc = new CRC32();
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            long total = 0;
            try {
                int n;
                while ((n = ch.read(buf)) != -1) {
                    buf.flip();
                    crc.update(buf);
                    buf.clear();
                    total += n;
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return new long[] {total, crc.getValue()};
        }, Thread::startVirtualThread);
    }

    private static long crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }
}
