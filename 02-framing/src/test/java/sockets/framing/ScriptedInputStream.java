package sockets.framing;

import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * An input stream that delivers exactly the chunks it is given: each {@code read} returns at most
 * the rest of the current chunk, never bytes of the next one. This is what TCP is allowed to do
 * to any byte stream, made repeatable. It also counts the reads made.
 */
final class ScriptedInputStream extends InputStream {

    private final Deque<byte[]> chunks = new ArrayDeque<>();
    private byte[] current = new byte[0];
    private int position;
    int reads;

    ScriptedInputStream(List<byte[]> chunks) {
        chunks.forEach(c -> this.chunks.add(c.clone()));
    }

    static ScriptedInputStream of(byte[]... chunks) {
        return new ScriptedInputStream(List.of(chunks));
    }

    /** {@code whole} cut at the given offsets (ascending). */
    static ScriptedInputStream splitAt(byte[] whole, int... cuts) {
        ScriptedInputStream s = new ScriptedInputStream(List.of());
        int from = 0;
        for (int cut : cuts) {
            s.chunks.add(Arrays.copyOfRange(whole, from, cut));
            from = cut;
        }
        s.chunks.add(Arrays.copyOfRange(whole, from, whole.length));
        return s;
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
        while (position == current.length) {
            if (chunks.isEmpty()) {
                return -1;
            }
            current = chunks.poll();
            position = 0;
        }
        reads++;
        int n = Math.min(len, current.length - position);
        System.arraycopy(current, position, b, off, n);
        position += n;
        return n;
    }
}
