package sockets.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** F-13: the blog's {@code readlines} generator, ported with its bugs, against {@link DelimitedReader}. */
class SeedReadlinesTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Nested
    @Tag("pitfall")
    class Pitfall {

        @Test
        void the_unterminated_last_line_is_dropped_without_a_word() throws Exception {
            var in = ScriptedInputStream.of(b("a\nb\nparti"), b("al"));
            assertThat(SeedLineReader.readLines(in, 4096, "\n")).containsExactly("a", "b");
        }

        @Test
        void any_delimiter_but_newline_fails() {
            var in = ScriptedInputStream.of(b("a;b;"));
            assertThatThrownBy(() -> SeedLineReader.readLines(in, 4096, ";")).isInstanceOf(IllegalStateException.class);
        }

        @Test
        void a_crlf_delimiter_leaves_a_stray_carriage_return_on_every_line() throws Exception {
            var in = ScriptedInputStream.of(b("a\r\nb\r\n"));
            assertThat(SeedLineReader.readLines(in, 4096, "\r\n")).containsExactly("a\r", "b\r");
        }
    }

    @Nested
    @Tag("fix")
    class Fix {

        @Test
        void the_unterminated_last_line_is_reported_with_its_bytes() throws Exception {
            FrameReader reader = DelimitedReader.lines(ScriptedInputStream.of(b("a\nb\nparti"), b("al")), 1024);
            assertThat(reader.readFrame()).isEqualTo(b("a"));
            assertThat(reader.readFrame()).isEqualTo(b("b"));
            assertThatThrownBy(reader::readFrame).isInstanceOfSatisfying(TruncatedFrameException.class,
                    e -> assertThat(new String(e.partial(), StandardCharsets.UTF_8)).isEqualTo("partial"));
        }

        @Test
        void the_delimiter_given_is_the_delimiter_used() throws Exception {
            FrameReader reader = new DelimitedReader(ScriptedInputStream.of(b("a;b"), b(";")), b(";"), 1024);
            assertThat(reader.readFrame()).isEqualTo(b("a"));
            assertThat(reader.readFrame()).isEqualTo(b("b"));
            assertThat(reader.readFrame()).isNull();
        }

        @Test
        void a_crlf_delimiter_is_removed_whole_even_when_split_between_reads() throws Exception {
            FrameReader reader = new DelimitedReader(ScriptedInputStream.of(b("a\r"), b("\nb\r\n")), b("\r\n"), 1024);
            assertThat(reader.readFrame()).isEqualTo(b("a"));
            assertThat(reader.readFrame()).isEqualTo(b("b"));
        }
    }
}
