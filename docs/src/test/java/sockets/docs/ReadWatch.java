package sockets.docs;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * An input stream that tells a picture what each read returned, before the read returns to its
 * caller: so a note such as "read() returns 7 bytes" lands after exactly the frames that were
 * there to be read, whatever the peer does next.
 */
public final class ReadWatch extends FilterInputStream {

    /** Called with what a read returned: a count of bytes, or -1. */
    @FunctionalInterface
    public interface Seen {
        void read(int result) throws Exception;
    }

    private final Seen seen;

    public ReadWatch(InputStream in, Seen seen) {
        super(in);
        this.seen = seen;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        report(b < 0 ? -1 : 1);
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        report(n);
        return n;
    }

    private void report(int result) throws IOException {
        try {
            seen.read(result);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
