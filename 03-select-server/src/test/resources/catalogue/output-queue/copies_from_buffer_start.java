// fails: 4 | append takes the bytes from the buffer's position
// Copies from the start of the caller's buffer, not from its position: after a partial write the
// server appends a buffer whose first bytes were already sent, and they go out twice.
package sockets.select.exercises;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayDeque;
import sockets.select.ExerciseAccess;

/**
 * EXERCISE output-queue (03-select-server/run exercise output-queue): the bytes a selector server
 * owes one client, waiting for room in its send buffer. A non-blocking {@code write} takes only
 * what fits, possibly nothing; what it did not take must go out later, first, in order.
 *
 * <p>What the stages ask, in order: bytes out in order through a channel that takes everything;
 * a channel that takes a few bytes per write; a full channel (write returns 0); {@link #bytes()}
 * counting what is owed; appends that do not keep the caller's buffer; and memory: 100,000
 * one-byte appends must not cost an object each (allocate in chunks, fill the last one first).
 */
public final class OutputQueue implements ExerciseAccess.Queue {

    private static final int CHUNK = 16 * 1024;
    private final ArrayDeque<ByteBuffer> chunks = new ArrayDeque<>();
    private long bytes;

    /** Takes all of {@code source}'s remaining bytes (the caller reuses {@code source} afterwards). */
    @Override
    public void append(ByteBuffer source) {
        int copied = 0;
        while (source.hasRemaining()) {
            ByteBuffer tail = chunks.peekLast();
            if (tail == null || tail.limit() == tail.capacity()) {
                tail = ByteBuffer.allocate(CHUNK).limit(0);
                chunks.add(tail);
            }
            int end = tail.limit();
            int n = Math.min(tail.capacity() - end, source.remaining());
            tail.limit(end + n).put(end, source, copied, n);
            copied += n;
            source.position(source.position() + n);
            bytes += n;
        }
    }

    /** Writes as much as the channel takes now, oldest bytes first; returns how many that was. */
    @Override
    public long writeTo(WritableByteChannel channel) throws IOException {
        long total = 0;
        while (!chunks.isEmpty()) {
            ByteBuffer head = chunks.peek();
            int n = channel.write(head);
            total += n;
            bytes -= n;
            if (head.hasRemaining()) {
                break;
            }
            chunks.poll();
        }
        return total;
    }

    /** Bytes appended and not yet written. */
    @Override
    public long bytes() {
        return bytes;
    }
}
