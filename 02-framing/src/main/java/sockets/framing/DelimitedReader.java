package sockets.framing;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Frames that end with a delimiter, such as {@code \n} or {@code \r\n}. Frames are found on bytes,
 * before any decoding, so a multi-byte UTF-8 character split between two reads is whole again by
 * the time the frame is decoded (F-07). The delimiter is not part of the frame returned.
 *
 * <p>Memory: the buffer grows with a long frame to at most {@code maxFrame + delimiter length}
 * bytes, and shrinks back to 8 KiB once that frame is returned; a peer that never sends the
 * delimiter gets a {@link FramingException}, not an ever-growing buffer. While a frame of the limit
 * is returned, the buffer and the returned copy exist together (about twice the limit); between
 * frames the reader holds 8 KiB plus any bytes already read of the next frames.
 *
 * <p>Resumable: a read timeout ({@code SocketTimeoutException}) loses nothing; the next
 * {@link #readFrame()} goes on with the bytes already read.
 */
public final class DelimitedReader implements FrameReader {

    private final InputStream in;
    private final byte[] delimiter;
    private final int maxFrame;
    private final int capacity;
    private final int small; // the buffer's size between long frames
    private byte[] buffer;
    private int start; // the unread bytes are buffer[start, end)
    private int end;
    private int scanned; // bytes after start already searched without finding the delimiter

    public DelimitedReader(InputStream in, byte[] delimiter, int maxFrame) {
        if (delimiter.length == 0) {
            throw new IllegalArgumentException("empty delimiter");
        }
        this.in = in;
        this.delimiter = delimiter.clone();
        this.maxFrame = Frames.checkLimit(Math.min(maxFrame, Frames.LARGEST_LIMIT - delimiter.length));
        this.capacity = this.maxFrame + delimiter.length;
        this.small = Math.min(8192, capacity);
        this.buffer = new byte[small];
    }

    /** Lines ended by {@code \n}. */
    public static DelimitedReader lines(InputStream in, int maxFrame) {
        return new DelimitedReader(in, new byte[] {'\n'}, maxFrame);
    }

    // tag::read-frame[]
    @Override
    public byte[] readFrame() throws IOException {
        while (true) {
            int at = indexOfDelimiter(start + scanned);
            if (at >= 0) {
                byte[] frame = Arrays.copyOfRange(buffer, start, at);
                start = at + delimiter.length; // what follows stays for the next call (F-09)
                scanned = 0;
                shrink();
                return frame;
            }
            // A delimiter may straddle the end of what we have; rescan its first bytes next time.
            scanned = Math.max(0, end - start - (delimiter.length - 1));
            if (end - start >= capacity) {
                throw new FramingException("more than " + maxFrame + " bytes without a delimiter");
            }
            makeRoom();
            int n = in.read(buffer, end, buffer.length - end);
            if (n == -1) {
                if (start == end) {
                    return null; // clean end, between frames
                }
                throw new TruncatedFrameException((end - start) + " bytes after the last delimiter",
                        Arrays.copyOfRange(buffer, start, end));
            }
            end += n;
        }
    }
    // end::read-frame[]

    private int indexOfDelimiter(int from) {
        byte first = delimiter[0];
        for (int i = from, last = end - delimiter.length; i <= last; i++) {
            if (buffer[i] == first && matchesAt(i)) {
                return i;
            }
        }
        return -1;
    }

    private boolean matchesAt(int i) {
        for (int j = 1; j < delimiter.length; j++) {
            if (buffer[i + j] != delimiter[j]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Bytes already read from the stream that belong to the frames after the one last returned: the
     * next frame has begun arriving, though no read of the stream will show it.
     */
    @Override
    public int buffered() {
        return end - start;
    }

    /** The buffer's current size, for tests of what the reader retains. */
    int bufferSize() {
        return buffer.length;
    }

    /** After a long frame, gives the grown buffer back: the reader must not keep a frame's worth. */
    private void shrink() {
        int unread = end - start;
        if (buffer.length > small && unread <= small) {
            byte[] smaller = new byte[small];
            System.arraycopy(buffer, start, smaller, 0, unread);
            buffer = smaller;
            start = 0;
            end = unread;
        }
    }

    /** Moves the unread bytes to the front, or grows the buffer (never past capacity). */
    private void makeRoom() {
        if (end < buffer.length) {
            return;
        }
        int unread = end - start;
        if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, unread);
        } else {
            buffer = Arrays.copyOf(buffer, (int) Math.min((long) buffer.length * 2, capacity));
        }
        start = 0;
        end = unread;
    }
}
