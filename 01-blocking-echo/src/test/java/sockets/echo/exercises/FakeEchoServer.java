package sockets.echo.exercises;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * An echo server in memory whose replies come in the pieces a test chooses. The reply cannot come
 * before the request: a read waits (at most 2 s) until the request bytes it echoes have arrived,
 * then fails with a message saying why nothing came, as a real server would simply never answer.
 */
final class FakeEchoServer {

    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final Deque<Integer> pieces;
    private final int closeAfter;
    private final boolean reset;
    private int echoed;

    /** @param closeAfter the server closes the connection after echoing this many bytes (-1: never) */
    FakeEchoServer(List<Integer> pieces, int closeAfter) {
        this(pieces, closeAfter, false);
    }

    /** @param reset the connection ends with a reset ("Connection reset") instead of end of stream */
    FakeEchoServer(List<Integer> pieces, int closeAfter, boolean reset) {
        this.pieces = new ArrayDeque<>(pieces);
        this.closeAfter = closeAfter;
        this.reset = reset;
    }

    OutputStream toServer() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (FakeEchoServer.this) {
                    received.write(b, off, len);
                    FakeEchoServer.this.notifyAll();
                }
            }
        };
    }

    InputStream fromServer() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) == -1 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return next(b, off, len);
            }
        };
    }

    private synchronized int next(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (closeAfter >= 0 && echoed >= closeAfter) {
            if (reset) {
                throw new java.net.SocketException("Connection reset"); // what a socket's stream throws after an RST
            }
            return -1;
        }
        int piece = pieces.isEmpty() ? 1 << 20 : pieces.peekFirst();
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (received.size() < echoed + 1) { // nothing to echo yet
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IOException(received.size() == echoed && echoed > 0
                        ? "the client read again after the whole reply (" + echoed + " bytes): a real server sends nothing more, so this read waits forever"
                        : "after 2 s the server had received " + received.size() + " request bytes, so it had nothing to echo:"
                                + " a request sitting in a BufferedOutputStream never leaves until flush()");
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
        byte[] all = received.toByteArray();
        int n = Math.min(Math.min(len, piece), all.length - echoed);
        if (closeAfter >= 0) {
            n = Math.min(n, closeAfter - echoed);
        }
        System.arraycopy(all, echoed, b, off, n);
        echoed += n;
        if (!pieces.isEmpty()) {
            pieces.removeFirst();
            if (n < piece) {
                pieces.addFirst(piece - n);
            }
        }
        return n;
    }
}
