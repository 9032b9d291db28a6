package sockets.framing.exercises;

import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * A stream whose reads return exactly the pieces it was given, one piece (at most) per read, as a
 * socket would on a bad day; then end of stream. {@link #TIMEOUT} as a piece makes that read
 * throw {@code SocketTimeoutException}, as a socket with {@code SO_TIMEOUT} does.
 */
final class Script extends InputStream {

    static final byte[] TIMEOUT = new byte[0];

    private final Deque<byte[]> pieces;
    private final String shape;
    private int offset;
    private long consumed;

    private Script(List<byte[]> pieces, String shape) {
        this.pieces = new ArrayDeque<>(pieces);
        this.shape = shape;
    }

    static Script pieces(byte[]... pieces) {
        List<String> sizes = Arrays.stream(pieces).map(p -> p == TIMEOUT ? "timeout" : Integer.toString(p.length)).toList();
        return new Script(List.of(pieces), "in reads of " + String.join(", ", sizes) + " bytes");
    }

    /** {@code bytes} cut into reads of {@code size} bytes each. */
    static Script every(int size, byte[] bytes) {
        List<byte[]> pieces = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += size) {
            pieces.add(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + size)));
        }
        return new Script(pieces, "in reads of " + size + (size == 1 ? " byte" : " bytes") + " each");
    }

    /** How the bytes were cut, for failure messages. */
    String shape() {
        return shape;
    }

    long consumed() {
        return consumed;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        if (pieces.isEmpty()) {
            return -1;
        }
        if (pieces.peekFirst() == TIMEOUT) {
            pieces.removeFirst();
            throw sneaky(new SocketTimeoutException("Read timed out (scripted)"));
        }
        byte[] piece = pieces.peekFirst();
        int n = Math.min(len, piece.length - offset);
        System.arraycopy(piece, offset, b, off, n);
        offset += n;
        consumed += n;
        if (offset == piece.length) {
            pieces.removeFirst();
            offset = 0;
        }
        return n;
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable e) throws E {
        throw (E) e;
    }
}
