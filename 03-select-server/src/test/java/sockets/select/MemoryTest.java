package sockets.select;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Memory measured, not argued: what {@link OutputQueue} allocates on this thread
 * ({@code com.sun.management.ThreadMXBean.getCurrentThreadAllocatedBytes}) and holds, at its worst
 * case, bytes arriving one at a time. The bound is the one {@code docs/reference.md} states; the
 * figures are printed.
 */
@Tag("fix")
class MemoryTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void outputQueue_256KiBInOneByteReads_allocatesAndHoldsTheBytesRoundedUpToAChunk() {
        int owed = 256 * 1024;
        ByteBuffer one = ByteBuffer.allocate(1);
        new OutputQueue().append(ByteBuffer.allocate(1)); // load and warm up
        OutputQueue queue = new OutputQueue();
        long before = THREADS.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < owed; i++) {
            one.clear();
            queue.append(one);
        }
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        System.out.printf("OutputQueue, %d bytes in 1-byte appends: %d bytes allocated, %d held in chunks%n",
                owed, allocated, queue.heapBytes());
        assertThat(queue.bytes()).isEqualTo(owed);
        assertThat(queue.heapBytes()).isLessThanOrEqualTo(owed + OutputQueue.CHUNK);
        // The chunks plus their buffer objects and the deque: a few hundred bytes over, not a buffer per byte.
        assertThat(allocated).isLessThan(owed + OutputQueue.CHUNK + 4096);
    }
}
