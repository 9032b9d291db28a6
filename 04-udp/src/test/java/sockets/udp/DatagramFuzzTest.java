package sockets.udp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing (Jazzer) of what this lesson reads out of a datagram from anyone: the
 * request number ({@link Datagrams#requestId}) and the log text ({@link Datagrams#printable}).
 * Neither may throw; a number found must be exactly the digits the datagram starts with; a log
 * line may hold no control character, so no datagram can forge log lines.
 *
 * <p>The default build replays {@code src/test/resources/sockets/udp/DatagramFuzzTestInputs/} as
 * ordinary tests. To fuzz (docs/fuzzing.md):
 * {@code ./mvnw -o -Pfuzz -pl 04-udp test -Dtest='DatagramFuzzTest#requestId' -Djazzer.max_duration=3m}
 */
class DatagramFuzzTest {

    @FuzzTest
    void requestId(byte[] datagram) {
        long id = Datagrams.requestId(datagram);
        if (id == -1) {
            return;
        }
        assertThat(id).isNotNegative();
        byte[] prefix = ("#" + id + " ").getBytes(StandardCharsets.US_ASCII);
        // The number read is the number written: "#" digits " ", leading zeros aside.
        String digits = new String(datagram, 1, indexOf(datagram, (byte) ' ') - 1, StandardCharsets.US_ASCII);
        assertThat(digits).matches("[0-9]{1,19}");
        assertThat(Long.parseLong(digits)).isEqualTo(id);
        assertThat(prefix.length).isLessThanOrEqualTo(datagram.length);
    }

    @FuzzTest
    void printable(byte[] datagram) {
        String line = Datagrams.printable(datagram, 200);
        assertThat(line.chars().noneMatch(c -> c < 0x20 || c == 0x7F)).as(line).isTrue();
        assertThat(line.length()).isLessThanOrEqualTo(4 * 200 + 1);
        if (datagram.length <= 200 && !new String(datagram, StandardCharsets.UTF_8).chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
            assertThat(line).isEqualTo(new String(Arrays.copyOf(datagram, datagram.length), StandardCharsets.UTF_8));
        }
    }

    private static int indexOf(byte[] b, byte x) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }
}
