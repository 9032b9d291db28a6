package sockets.threaded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The client list server's parts at their edges: names, thread choices. */
@Tag("fix")
class ClientListPartsTest {

    private static String name(String raw) throws Exception {
        return ClientListServer.readName(new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void a_name_ends_at_a_newline_or_the_end_of_stream_and_a_trailing_carriage_return_is_dropped() throws Exception {
        assertThat(name("alice\nrest ignored")).isEqualTo("alice");
        assertThat(name("bob")).isEqualTo("bob");
        assertThat(name("carol\r\n")).isEqualTo("carol");
        assertThat(name("d\r")).isEqualTo("d");
        assertThat(name("\re")).isEqualTo("\re"); // only a trailing one is dropped
    }

    @Test
    void a_name_may_have_exactly_256_bytes_and_not_one_more() throws Exception {
        assertThat(name("x".repeat(256) + "\n")).hasSize(256);
        assertThat(name("é".repeat(128))).hasSize(128); // 256 bytes of UTF-8
        assertThatThrownBy(() -> name("x".repeat(257))).isInstanceOf(ClientListServer.BadNameException.class);
        assertThatThrownBy(() -> name("\n")).isInstanceOf(ClientListServer.BadNameException.class);
        assertThatThrownBy(() -> name("\r\n")).isInstanceOf(ClientListServer.BadNameException.class);
        assertThatThrownBy(() -> name("")).isInstanceOf(ClientListServer.BadNameException.class);
    }

    @Test
    void threads_may_be_virtual_platform_or_a_pool_of_1_to_10000() {
        for (String ok : new String[] {"virtual", "platform", "pool:1", "pool:10000"}) {
            try (ExecutorService e = ClientListServer.executor(ok)) {
                assertThat(e.isShutdown()).as(ok).isFalse();
            }
        }
        for (String bad : new String[] {"pool:0", "pool:10001", "pool:x", "pool:", "fibers", "Virtual"}) {
            assertThatThrownBy(() -> ClientListServer.executor(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void a_refusal_is_one_key_error_with_text_and_anything_else_is_a_list() {
        tools.jackson.databind.json.JsonMapper json = tools.jackson.databind.json.JsonMapper.builder().build();
        assertThat(ClientListClient.refusal(json.readTree("{\"error\":\"busy\"}"))).isEqualTo("busy");
        assertThat(ClientListClient.refusal(json.readTree("{\"error\":{\"name\":\"error\"}}"))).isNull();
        assertThat(ClientListClient.refusal(json.readTree("{\"error\":\"x\",\"bob\":{}}"))).isNull();
        assertThat(ClientListClient.refusal(json.readTree("{}"))).isNull();
    }
}
