// fails: 8 | busy: three measurements running
// Asks for OP_WRITE once some echo is queued and never gives it back: once the queue has drained,
// the socket is always writable, so every select returns at once and the loop spins (S-08).
package sockets.select.exercises;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sockets.cli.Programs;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * EXERCISE select-server (03-select-server/run exercise select-server): an echo server in one
 * thread with a {@link Selector}. The listener is bound, non-blocking and registered for
 * OP_ACCEPT; stopping is written. {@link #serve()} is yours: the loop.
 *
 * <p>The stages are the lesson's wire checker ({@code 03-select-server/run Checker HOST:PORT}):
 * one client, split and joined messages; 1 MiB to a slow reader (partial writes: keep the rest,
 * register OP_WRITE, send it when there is room); 200 clients at once; a client that never reads
 * (stop reading from it once it is owed {@code highWater} bytes: back-pressure); half-close
 * (echo what is owed, then close); a client that resets (close it, serve the others).
 */
public final class SelectEchoServer implements Programs.Server {

    private final ServerSocketChannel listener = ServerSocketChannel.open();
    private final Selector selector = Selector.open();
    private final int highWater;
    private final PrintStream log;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closed;

    private SelectEchoServer(InetSocketAddress address, int highWater, PrintStream log) throws IOException {
        this.highWater = highWater;
        this.log = log;
        listener.bind(address, 4096);
        listener.configureBlocking(false);
        listener.register(selector, SelectionKey.OP_ACCEPT);
    }

    public static SelectEchoServer bind(InetSocketAddress address, int highWater, PrintStream log) throws IOException {
        return new SelectEchoServer(address, highWater, log);
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.socket().getLocalSocketAddress();
    }

    /** The event loop: until {@link #close()}, select, then accept, read or write whatever is ready. */
    @Override
    public void serve() throws IOException {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            while (!closed) {
                selector.select();
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        SocketChannel c = listener.accept();
                        if (c != null) {
                            c.configureBlocking(false);
                            c.register(selector, SelectionKey.OP_READ, new Owed());
                        }
                        continue;
                    }
                    try {
                        handle(key, buffer);
                    } catch (IOException e) {
                        log.println("client failed: " + e.getMessage());
                        key.channel().close();
                    }
                }
            }
        } finally {
            for (SelectionKey key : selector.keys()) {
                key.channel().close();
            }
            selector.close();
            stopped.countDown();
        }
    }

    /** What one client is owed, and whether it has finished sending. */
    private static final class Owed {
        final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
        long bytes;
        boolean ended;
        boolean askedToWrite;
    }

    private void handle(SelectionKey key, ByteBuffer buffer) throws IOException {
        SocketChannel c = (SocketChannel) key.channel();
        Owed owed = (Owed) key.attachment();
        if (key.isReadable()) {
            buffer.clear();
            int n = c.read(buffer);
            if (n < 0) {
                owed.ended = true;
            } else if (n > 0) {
                buffer.flip();
                ByteBuffer copy = ByteBuffer.allocate(n).put(buffer).flip();
                owed.queue.add(copy);
                owed.bytes += n;
            }
        }
        while (!owed.queue.isEmpty()) {
            ByteBuffer head = owed.queue.peek();
            owed.bytes -= c.write(head);
            if (head.hasRemaining()) {
                break;
            }
            owed.queue.poll();
        }
        if (owed.ended && owed.queue.isEmpty()) {
            c.close();
            return;
        }
        owed.askedToWrite |= !owed.queue.isEmpty(); // once asked, never given back
        int interest = (owed.askedToWrite ? SelectionKey.OP_WRITE : 0) | (owed.ended || owed.bytes >= highWater ? 0 : SelectionKey.OP_READ);
        key.interestOps(interest);
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup(); // serve() sees closed on its next turn
    }

    @Override
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
