package sockets.select;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Deliberately wrong: small pieces of selector code with the mistakes of the seeds (and the common
 * Java ones), each kept so a test can show it failing. The right way is in {@link SelectEchoServer}
 * and {@link SelectClient}.
 */
public final class NaiveSelect {

    private NaiveSelect() {
    }

    // tag::zero-timeout-poll[]
    /**
     * Deliberately wrong (S-03, BUG-11): the blog's {@code select([sock], [], [], 0)} in a loop.
     * With nothing to do between polls, it asks the kernel millions of times a second and burns a
     * whole core waiting. Returns how many times it polled.
     */
    public static long pollUntil(Selector selector, long deadlineNanos) throws IOException {
        long polls = 0;
        while (System.nanoTime() < deadlineNanos) {
            polls++;
            if (selector.selectNow() > 0) {
                break;
            }
            // "do other tasks" - of which there are none
        }
        return polls;
    }
    // end::zero-timeout-poll[]

    /** Deliberately wrong (S-05): calls read() on a non-blocking channel until something comes. */
    public static long readUntil(SocketChannel channel, ByteBuffer buffer, long deadlineNanos) throws IOException {
        long reads = 0;
        while (System.nanoTime() < deadlineNanos) {
            reads++;
            if (channel.read(buffer) != 0) {
                break;
            }
        }
        return reads;
    }

    // tag::keys-not-removed[]
    /**
     * Deliberately wrong (S-06): handles the selected keys but never removes them from the set.
     * The next pass finds the old accept key again; accept() has nothing to give and returns null.
     * Returns the channel accepted on each of two passes.
     */
    public static SocketChannel[] acceptTwiceWithoutRemovingKeys(Selector selector) throws IOException {
        SocketChannel[] accepted = new SocketChannel[2];
        for (int pass = 0; pass < 2; pass++) {
            selector.selectNow();
            for (SelectionKey key : selector.selectedKeys()) { // no iterator.remove()
                if (key.isAcceptable()) {
                    accepted[pass] = ((ServerSocketChannel) key.channel()).accept();
                }
            }
        }
        return accepted;
    }
    // end::keys-not-removed[]

    /**
     * Deliberately wrong (S-07, BUG-12): treats only {@code n > 0} as data and ignores -1. A
     * channel at end of stream stays readable for ever, so every select returns at once.
     */
    public static void handleReadIgnoringEndOfStream(SelectionKey key, ByteBuffer buffer) throws IOException {
        buffer.clear();
        int n = ((SocketChannel) key.channel()).read(buffer);
        if (n > 0) {
            buffer.flip(); // ... process the data ...
        }
    }

    // tag::cancelled-key[]
    /**
     * Deliberately wrong (S-11, BUG-18): the read handler may close the channel, and then the
     * writable check touches a key that was cancelled in the same pass.
     */
    public static void handleReadThenWrite(SelectionKey key, ByteBuffer buffer) throws IOException {
        SocketChannel channel = (SocketChannel) key.channel();
        if (key.isReadable()) {
            buffer.clear();
            if (channel.read(buffer) == -1) {
                channel.close(); // cancels the key
            }
        }
        if (key.isWritable()) { // CancelledKeyException if the channel was just closed
            channel.write(ByteBuffer.allocate(0));
        }
    }
    // end::cancelled-key[]
}
