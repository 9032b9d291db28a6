package sockets.threaded;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import tools.jackson.databind.JsonNode;

/**
 * Coverage-guided fuzzing (Jazzer) of the two decoders a peer can reach in this lesson: the
 * server's {@link ClientListServer#readName} (bytes from any client) and the client's
 * {@link ClientListClient#parse} (bytes from any server). Each may only return a well-formed
 * value or throw its declared exception ({@code BadNameException}, {@code BadAnswerException}),
 * and allocates within a bound whatever the bytes.
 *
 * <p>The default build replays {@code src/test/resources/sockets/threaded/ClientListFuzzTestInputs/}
 * as ordinary tests. To fuzz (docs/fuzzing.md):
 * {@code ./mvnw -o -Pfuzz -pl 05-threaded-server test -Dtest='ClientListFuzzTest#readName' -Djazzer.max_duration=3m}
 */
class ClientListFuzzTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static { // the first calls load classes and build Jackson's tables: not what one input costs
        for (int i = 0; i < 3; i++) {
            ClientListServer.printable("a\rb\u2028c"); // String.format's classes
            try {
                ClientListServer.readName(new ByteArrayInputStream("warm\r\n".getBytes(StandardCharsets.UTF_8)));
                ClientListServer.readName(new ByteArrayInputStream(new byte[] {(byte) 0xC3, 0x28, '\n'}));
            } catch (IOException expected) {
                // the malformed one
            }
            try {
                ClientListClient.parse("{\"a\":{\"name\":\"a\",\"port\":1}}".getBytes(StandardCharsets.UTF_8));
                ClientListClient.parse("{\"a\":".getBytes(StandardCharsets.UTF_8));
            } catch (ClientListClient.BadAnswerException expected) {
                // the cut one
            }
        }
    }

    interface Work {
        void run() throws IOException;
    }

    /**
     * Bytes {@code work} allocates on this thread, its declared refusal included. A first call may
     * also pay for loading classes or the fuzzer's own set-up: over {@code bound}, it is measured
     * once more, and the second figure counts (a real excess repeats).
     */
    static long allocatedBy(Work work, long bound) {
        long allocated = Long.MAX_VALUE;
        for (int i = 0; i < 2 && allocated >= bound; i++) {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            try {
                work.run();
            } catch (IOException declaredOrNot) {
                // the outcome is checked by the caller; only the allocation is measured here
            }
            allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        }
        return allocated;
    }

    @FuzzTest
    void readName(byte[] input) {
        String name = null;
        try {
            name = ClientListServer.readName(new ByteArrayInputStream(input));
        } catch (ClientListServer.BadNameException declared) {
            // the declared refusal
        } catch (IOException | RuntimeException e) {
            throw new AssertionError("readName threw " + e + " for " + HexFormat.of().formatHex(input, 0, Math.min(64, input.length)), e);
        }
        // One name is at most 256 bytes: reading one allocates a few KiB whatever follows it.
        assertThat(allocatedBy(() -> ClientListServer.readName(new ByteArrayInputStream(input)), 64 * 1024)).isLessThan(64 * 1024);
        if (name != null) {
            assertThat(name.getBytes(StandardCharsets.UTF_8).length).isBetween(1, ClientListServer.MAX_NAME_BYTES);
            assertThat(name).doesNotContain("\n");
            assertThat(ClientListServer.printable(name)).doesNotContain("\r").doesNotContain("\n");
        }
    }

    @FuzzTest
    void parseAnswer(byte[] answer) {
        JsonNode tree = null;
        try {
            tree = ClientListClient.parse(answer);
        } catch (ClientListClient.BadAnswerException declared) {
            // the declared refusal
        } catch (RuntimeException e) {
            throw new AssertionError("parse threw " + e + " for " + HexFormat.of().formatHex(answer, 0, Math.min(64, answer.length)), e);
        }
        long bound = 1024 * 1024 + 64L * answer.length;
        assertThat(allocatedBy(() -> ClientListClient.parse(answer), bound)).isLessThan(bound);
        if (tree != null) {
            assertThat(tree.isObject()).isTrue();
            if (ClientListClient.refusal(tree) == null) {
                tree.values().forEach(entry -> assertThat(entry.isObject()).isTrue());
            }
        }
    }
}
