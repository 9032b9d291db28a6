package sockets.select;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Deliberately wrong: the seed article's select echo server, ported to Java with its mistakes:
 * <ul>
 * <li>when writable it sends one queued buffer and ignores how much was written (S-14, BUG-17);</li>
 * <li>at end of stream it closes at once, dropping echo still queued for a client that only
 *     half-closed (BUG-19);</li>
 * <li>its queues have no limit, so a client that never reads grows its memory without end (BUG-22).</li>
 * </ul>
 * It counts the bytes it hands to {@code write} and the bytes {@code write} really took, so the
 * tests can show the difference. Use {@link SelectEchoServer}.
 */
public final class NaiveSelectEchoServer implements Closeable {

    private final ServerSocketChannel listener;
    private final Selector selector;
    private volatile boolean closed;
    final AtomicLong handedToWrite = new AtomicLong();
    final AtomicLong written = new AtomicLong();

    private final int sendBuffer;

    /** @param sendBuffer SO_SNDBUF for accepted connections, so a test can make partial writes certain */
    public NaiveSelectEchoServer(int sendBuffer) throws IOException {
        this.sendBuffer = sendBuffer;
        listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        listener.configureBlocking(false);
        selector = Selector.open();
        listener.register(selector, SelectionKey.OP_ACCEPT);
    }

    public int port() {
        return listener.socket().getLocalPort();
    }

    public void serve() throws IOException {
        try {
            loop();
        } finally {
            for (SelectionKey key : selector.keys()) {
                key.channel().close();
            }
            selector.close();
        }
    }

    // tag::naive-loop[]
    private void loop() throws IOException {
        while (!closed) {
            selector.select();
            Iterator<SelectionKey> it = selector.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey key = it.next();
                it.remove();
                if (key.isAcceptable()) {
                    SocketChannel c = listener.accept();
                    c.configureBlocking(false);
                    c.setOption(java.net.StandardSocketOptions.SO_SNDBUF, sendBuffer);
                    c.register(selector, SelectionKey.OP_READ, new ArrayDeque<ByteBuffer>());
                    continue;
                }
                SocketChannel c = (SocketChannel) key.channel();
                @SuppressWarnings("unchecked")
                ArrayDeque<ByteBuffer> queue = (ArrayDeque<ByteBuffer>) key.attachment();
                if (key.isReadable()) {
                    ByteBuffer data = ByteBuffer.allocate(64 * 1024);
                    if (c.read(data) == -1) {
                        c.close(); // BUG-19: whatever is still queued is thrown away
                        continue;
                    }
                    queue.add(data.flip()); // BUG-22: no limit
                    key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                }
                if (key.isValid() && key.isWritable()) {
                    ByteBuffer next = queue.poll();
                    if (next == null) {
                        key.interestOps(SelectionKey.OP_READ);
                    } else {
                        handedToWrite.addAndGet(next.remaining());
                        written.addAndGet(c.write(next)); // S-14: the unwritten rest is dropped
                    }
                }
            }
        }
    }
    // end::naive-loop[]

    @Override
    public void close() throws IOException {
        closed = true;
        selector.wakeup();
        listener.close();
    }
}
