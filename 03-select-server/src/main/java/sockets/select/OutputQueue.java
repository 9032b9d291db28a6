package sockets.select;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayDeque;

/**
 * Bytes owed to one client, in order, waiting for room in its socket's send buffer.
 *
 * <p>They are kept in chunks of {@link #CHUNK} bytes, and new bytes fill the last chunk before a
 * new one is allocated. So the heap a queue holds is its byte count rounded up to a chunk, plus
 * one chunk, whatever sizes the reads came in: a client that sends one byte at a time and never
 * reads cannot make each pending byte cost a whole buffer object (about a hundred bytes).
 */
final class OutputQueue {

    static final int CHUNK = 16 * 1024;

    private final ArrayDeque<ByteBuffer> chunks = new ArrayDeque<>();
    private long bytes;

    /** Takes all of {@code source}'s remaining bytes. */
    void append(ByteBuffer source) {
        while (source.hasRemaining()) {
            ByteBuffer tail = chunks.peekLast();
            if (tail == null || tail.limit() == tail.capacity()) {
                tail = ByteBuffer.allocate(CHUNK).limit(0);
                chunks.add(tail);
            }
            // Chunks stay ready to be written (position = next byte to send, limit = end of data),
            // so appending writes past the limit and then moves it.
            int end = tail.limit();
            int n = Math.min(tail.capacity() - end, source.remaining());
            tail.limit(end + n).put(end, source, source.position(), n);
            source.position(source.position() + n);
            bytes += n;
        }
    }

    // tag::write-to[]
    /** Writes as much as the channel takes now; returns how much that was (0 when it is full). */
    long writeTo(WritableByteChannel channel) throws IOException {
        long total = 0;
        while (!chunks.isEmpty()) {
            ByteBuffer head = chunks.peek();
            int n = channel.write(head);
            total += n;
            bytes -= n;
            if (head.hasRemaining()) {
                break; // a partial write: the rest stays at the head, in order (S-14)
            }
            chunks.poll();
        }
        return total;
    }
    // end::write-to[]

    boolean isEmpty() {
        return bytes == 0;
    }

    long bytes() {
        return bytes;
    }

    /** The heap this queue holds for its bytes: whole chunks. */
    long heapBytes() {
        return (long) chunks.size() * CHUNK;
    }
}
