package sockets.framing;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import sockets.cli.Timeouts;

/**
 * Python's {@code sendall} for a {@link SocketChannel}. {@code SocketChannel.write} is Python's
 * {@code send}: in non-blocking mode it writes what fits in the socket's send buffer, possibly
 * nothing, and returns the count (F-02).
 */
public final class ChannelWriter {

    private ChannelWriter() {
    }

    // tag::write-fully[]
    /**
     * Writes every remaining byte of {@code buffer}. When the send buffer is full, {@code write}
     * returns 0; that is not a broken connection (BUG-26), it means "wait until there is room",
     * which a selector does without spinning. Fails if the peer takes nothing for {@code stall}.
     *
     * @throws SocketTimeoutException the peer took no data for {@code stall}
     * @throws InterruptedIOException the thread was interrupted while waiting for room (its
     *     interrupt status stays set); an interrupt during a blocking write closes the channel and
     *     throws {@link java.nio.channels.ClosedByInterruptException}, as channels always do
     */
    public static void writeFully(SocketChannel channel, ByteBuffer buffer, Duration stall) throws IOException {
        Selector selector = null;
        try {
            while (buffer.hasRemaining()) {
                // Loop even in blocking mode: on a virtual thread a blocking write can return early.
                if (channel.write(buffer) > 0 || channel.isBlocking()) {
                    continue;
                }
                if (selector == null) {
                    selector = Selector.open();
                    channel.register(selector, SelectionKey.OP_WRITE);
                }
                int ready = selector.select(Timeouts.millis(stall)); // never select(0): that waits forever
                if (Thread.currentThread().isInterrupted()) { // an interrupt wakes select: not the peer's doing
                    throw new InterruptedIOException("interrupted while waiting for the peer to take data");
                }
                if (ready == 0) {
                    throw new SocketTimeoutException("the peer took no data for " + Timeouts.millis(stall) + " ms");
                }
                selector.selectedKeys().clear();
            }
        } finally {
            if (selector != null) {
                selector.close(); // also takes the channel off this selector
            }
        }
    }
    // end::write-fully[]

    /** Like {@link #writeFully} with a generous stall limit. */
    public static void writeFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
        writeFully(channel, buffer, Duration.ofSeconds(TimeUnit.MINUTES.toSeconds(1)));
    }
}
