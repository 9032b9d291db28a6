package sockets.select;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import sockets.cli.Programs;

/**
 * One client of {@link SelectEchoServer}: its channel, its selection key, and the echo it is owed
 * but has not read yet. Runs on the selector thread only, and never blocks.
 *
 * <p>Memory is bounded whatever the client does: above the high-water mark of unsent echo the
 * connection stops reading (so the client's own writes back up into its socket), and reads again
 * once the queue drains below a quarter of it. The most it holds is the mark plus one read buffer.
 */
final class EchoConnection {

    private final SelectEchoServer server;
    private final SocketChannel channel;
    private final SelectionKey key;
    final String peer;
    private final OutputQueue pending = new OutputQueue();
    private boolean inputEnded;
    private boolean readingPaused;
    long lastProgress = System.nanoTime();

    private EchoConnection(SelectEchoServer server, SocketChannel channel, SelectionKey key) throws IOException {
        this.server = server;
        this.channel = channel;
        this.key = key;
        this.peer = Programs.hostPort(channel.getRemoteAddress());
    }

    /** Makes a freshly accepted channel non-blocking and watches it for reading. */
    static void register(SelectEchoServer server, Selector selector, SocketChannel channel, int sendBuffer)
            throws IOException {
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        if (sendBuffer > 0) {
            channel.setOption(StandardSocketOptions.SO_SNDBUF, sendBuffer); // tests force partial writes
        }
        SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
        key.attach(new EchoConnection(server, channel, key));
    }

    // tag::on-readable[]
    void onReadable(ByteBuffer readBuffer) throws IOException {
        // Take all the kernel holds (up to the buffer) before writing: a busy stream then costs
        // one wake-up and one write per pass, not one per read.
        readBuffer.clear();
        int n = 0;
        while (readBuffer.hasRemaining() && (n = channel.read(readBuffer)) > 0) {
            lastProgress = System.nanoTime();
        }
        if (readBuffer.position() > 0) {
            server.counters.moved(readBuffer.position(), 0);
            readBuffer.flip();
            if (pending.isEmpty()) {
                write(readBuffer); // the usual case: the echo goes straight out, no copy
            }
            if (readBuffer.hasRemaining()) {
                // The send buffer is full: keep the rest, in order, until the client reads.
                pending.append(readBuffer);
                server.counters.pending(pending.bytes(), pending.heapBytes());
            }
        }
        if (n == -1) {
            // The client will send no more. It may still be reading: finish its echo first.
            inputEnded = true;
            if (pending.isEmpty()) {
                close();
                return;
            }
        }
        updateInterest();
    }
    // end::on-readable[]

    // tag::on-writable[]
    void onWritable() throws IOException {
        long n = pending.writeTo(channel); // as much as fits; a partial write keeps the rest queued
        server.counters.moved(0, n);
        if (n > 0) {
            lastProgress = System.nanoTime();
        }
        if (pending.isEmpty() && inputEnded) {
            close(); // everything the client sent has been echoed
            return;
        }
        updateInterest();
    }

    /** Reads only below the high-water mark; asks for OP_WRITE only while output waits (S-08). */
    private void updateInterest() {
        if (readingPaused && pending.bytes() <= server.lowWater) {
            readingPaused = false;
        } else if (!readingPaused && pending.bytes() >= server.highWater) {
            readingPaused = true; // back-pressure: a client that never reads costs bounded memory
        }
        int ops = 0;
        if (!inputEnded && !readingPaused) {
            ops |= SelectionKey.OP_READ;
        }
        if (!pending.isEmpty()) {
            ops |= SelectionKey.OP_WRITE;
        }
        key.interestOps(ops);
    }
    // end::on-writable[]

    private void write(ByteBuffer buffer) throws IOException {
        server.counters.moved(0, channel.write(buffer)); // the read just before counted as progress
    }

    void close() {
        if (!channel.isOpen()) {
            return;
        }
        try {
            channel.close(); // also cancels the key; the selector drops it at the next select
        } catch (IOException ignored) {
            // nothing more to do for this connection
        }
        server.counters.closed();
    }
}
