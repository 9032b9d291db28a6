package sockets.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class DemoTest {

    @Test
    void demo_shows_the_half_reply_then_the_whole_one() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Demo.run(new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("NaiveEchoClient read once and got \"Hello, \": 7 of 13 bytes")
                .contains("EchoClient.roundTrip got \"Hello, world!\": 13 of 13 bytes")
                .contains("EchoClient sent 1,048,576 bytes and got back 1,048,576; identical: true.");
    }
}
