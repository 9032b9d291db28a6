package sockets.select;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The queue of echo owed to one client. What it holds must be bounded by the bytes it owes, not by
 * how many reads they came in: a client that sends one byte at a time and never reads must not
 * cost a buffer object (about a hundred bytes of heap) per byte.
 */
@Tag("fix")
class OutputQueueTest {

    /** A channel that takes at most {@code most} bytes per write, the way a full send buffer does. */
    private static final class Trickle implements WritableByteChannel {
        final ByteArrayOutputStream taken = new ByteArrayOutputStream();
        int most;

        Trickle(int most) {
            this.most = most;
        }

        @Override
        public int write(ByteBuffer src) {
            int n = Math.min(most, src.remaining());
            for (int i = 0; i < n; i++) {
                taken.write(src.get());
            }
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void one_byte_appends_share_chunks_so_the_heap_held_is_the_bytes_rounded_up_to_a_chunk() {
        OutputQueue queue = new OutputQueue();
        for (int i = 0; i < 100_000; i++) {
            queue.append(ByteBuffer.wrap(new byte[] {(byte) i}));
        }
        assertThat(queue.bytes()).isEqualTo(100_000);
        long chunks = (100_000 + OutputQueue.CHUNK - 1) / OutputQueue.CHUNK;
        assertThat(queue.heapBytes()).isEqualTo(chunks * OutputQueue.CHUNK); // 7 chunks, not 100,000 buffers
    }

    @Test
    void partial_writes_deliver_every_byte_once_and_in_order_while_appends_go_on() throws Exception {
        Random random = new Random(3);
        OutputQueue queue = new OutputQueue();
        Trickle channel = new Trickle(0);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int round = 0; round < 2_000; round++) {
            byte[] piece = new byte[random.nextInt(100)];
            random.nextBytes(piece);
            expected.write(piece);
            queue.append(ByteBuffer.wrap(piece));
            channel.most = random.nextInt(120); // sometimes 0: the send buffer is full
            long before = queue.bytes();
            long n = queue.writeTo(channel);
            assertThat(queue.bytes()).isEqualTo(before - n);
        }
        channel.most = Integer.MAX_VALUE;
        queue.writeTo(channel);
        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.heapBytes()).isZero();
        assertThat(channel.taken.toByteArray()).isEqualTo(expected.toByteArray());
    }

    @Test
    void a_write_to_a_full_channel_takes_nothing_and_keeps_everything() throws Exception {
        OutputQueue queue = new OutputQueue();
        queue.append(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertThat(queue.writeTo(new Trickle(0))).isZero();
        assertThat(queue.bytes()).isEqualTo(3);
        assertThat(queue.isEmpty()).isFalse();
    }
}
