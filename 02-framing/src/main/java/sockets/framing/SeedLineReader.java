package sockets.framing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Deliberately wrong: a line-by-line port of the blog's {@code readlines(sock, recv_buffer, delim)}
 * generator (F-13), bugs included:
 * <ul>
 * <li>it splits on {@code '\n'} whatever delimiter it is given (BUG-05);</li>
 * <li>at end of stream the unterminated last line is dropped without a word (BUG-06);</li>
 * <li>every line re-scans and re-copies the whole buffer, quadratic when one read brings many
 *     lines (BUG-08);</li>
 * <li>each read is decoded on its own (BUG-07, F-07).</li>
 * </ul>
 * Use {@link DelimitedReader}.
 */
public final class SeedLineReader {

    private SeedLineReader() {
    }

    // tag::seed-readlines[]
    public static List<String> readLines(InputStream in, int recvBuffer, String delim) throws IOException {
        List<String> lines = new ArrayList<>();
        String buffer = "";
        byte[] chunk = new byte[recvBuffer];
        boolean data = true;
        while (data) {
            int n = in.read(chunk);
            data = n > 0;
            if (data) {
                buffer += new String(chunk, 0, n, StandardCharsets.UTF_8);
            }
            while (buffer.contains(delim)) {
                int newline = buffer.indexOf('\n'); // the seed splits on '\n', not on delim
                if (newline < 0) {
                    throw new IllegalStateException("not enough values to unpack"); // Python's ValueError
                }
                lines.add(buffer.substring(0, newline));
                buffer = buffer.substring(newline + 1);
            }
        }
        return lines; // whatever is left in buffer is lost
    }
    // end::seed-readlines[]
}
