package sockets.framing;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CountDownLatch;

/**
 * Counts a latch down each time a read returns, so that another thread can wait until the reader
 * has seen the first part of a reply before sending the rest. This is how the demo and the tests
 * make "the reply arrives in two pieces" happen every time instead of by luck.
 */
final class SignallingInputStream extends FilterInputStream {

    private final CountDownLatch readReturned;

    SignallingInputStream(InputStream in, CountDownLatch readReturned) {
        super(in);
        this.readReturned = readReturned;
    }

    @Override
    public int read() throws IOException {
        try {
            return super.read();
        } finally {
            readReturned.countDown();
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return super.read(b, off, len);
        } finally {
            readReturned.countDown();
        }
    }
}
