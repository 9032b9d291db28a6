package sockets.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The parser every lesson carries a copy of (the copies are byte-identical; see PlumbingTest). */
class CommandLineTest {

    private static CommandLine parse(String... args) throws CommandLine.UsageException {
        return new CommandLine(args, Set.of("port", "name", "timeout"), Set.of("echo"), true);
    }

    @Test
    void reads_options_with_a_space_or_an_equals_sign_flags_and_words_in_any_order() throws Exception {
        CommandLine line = parse("hello", "--port", "5001", "--echo", "--name=a=b", "world");
        assertThat(line.number("port", 1, 0, 65_535)).isEqualTo(5001);
        assertThat(line.string("name", null)).isEqualTo("a=b");
        assertThat(line.flag("echo")).isTrue();
        assertThat(line.flag("verbose")).isFalse();
        assertThat(line.words()).containsExactly("hello", "world");
        assertThat(line.help()).isFalse();
    }

    @Test
    void everything_after_a_double_dash_is_a_word_even_when_it_looks_like_an_option() throws Exception {
        CommandLine line = parse("--port", "1", "--", "--port", "-h-not-help");
        assertThat(line.words()).containsExactly("--port", "-h-not-help");
        assertThat(line.number("port", 0, 0, 65_535)).isEqualTo(1);
    }

    @Test
    void absent_options_take_their_fallback_and_are_not_range_checked() throws Exception {
        CommandLine line = parse();
        assertThat(line.number("port", -1, 0, 65_535)).isEqualTo(-1);
        assertThat(line.seconds("timeout", Duration.ofSeconds(7))).isEqualTo(Duration.ofSeconds(7));
        assertThat(line.string("name", "x")).isEqualTo("x");
        assertThat(line.words()).isEmpty();
    }

    @Test
    void help_anywhere_wins_over_a_bad_argument() throws Exception {
        assertThat(parse("--nonsense", "--help").help()).isTrue();
        assertThat(parse("-h").help()).isTrue();
    }

    @Test
    void numbers_are_checked_against_both_ends_of_their_range() throws Exception {
        assertThat(parse("--port", "0").number("port", 9, 0, 65_535)).isZero();
        assertThat(parse("--port", "65535").number("port", 9, 0, 65_535)).isEqualTo(65_535);
        assertThatThrownBy(() -> parse("--port", "65536").number("port", 9, 0, 65_535))
                .isInstanceOf(CommandLine.UsageException.class)
                .hasMessage("--port must be a whole number from 0 to 65535, not '65536'");
        assertThatThrownBy(() -> parse("--port", "-1").number("port", 9, 0, 65_535))
                .isInstanceOf(CommandLine.UsageException.class);
        assertThatThrownBy(() -> parse("--port", "12x").number("port", 9, 0, 65_535))
                .hasMessage("--port must be a whole number from 0 to 65535, not '12x'");
    }

    @Test
    void seconds_may_be_fractional_and_must_be_above_zero_and_at_most_a_day() throws Exception {
        assertThat(parse("--timeout", "0.25").seconds("timeout", null)).isEqualTo(Duration.ofMillis(250));
        assertThat(parse("--timeout", "86400").seconds("timeout", null)).isEqualTo(Duration.ofDays(1));
        assertThat(parse("--timeout", "0.001").seconds("timeout", null)).isEqualTo(Duration.ofMillis(1));
        for (String bad : new String[] {"0", "-1", "86401", "NaN", "soon", "0.0001"}) {
            assertThatThrownBy(() -> parse("--timeout", bad).seconds("timeout", null))
                    .as(bad).isInstanceOf(CommandLine.UsageException.class).hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void a_typed_option_reports_what_was_expected_and_what_was_typed() throws Exception {
        assertThatThrownBy(() -> parse("--name", "x").option("name", "a", s -> s, s -> s.length() > 3, "four letters"))
                .hasMessage("--name must be four letters, not 'x'");
        assertThat(parse("--name", "abcd").option("name", "a", String::toUpperCase, s -> true, "any")).isEqualTo("ABCD");
    }

    @Test
    void mistakes_in_the_shape_of_the_command_line_are_one_clear_line_each() {
        assertThatThrownBy(() -> parse("--colour", "red")).hasMessage("unknown option --colour");
        assertThatThrownBy(() -> parse("--port")).hasMessage("--port needs a value");
        assertThatThrownBy(() -> parse("--echo=yes")).hasMessage("--echo takes no value");
        assertThatThrownBy(() -> new CommandLine(new String[] {"stray"}, Set.of(), Set.of(), false))
                .hasMessage("unexpected argument 'stray'");
        assertThatThrownBy(() -> new CommandLine(new String[] {"--", "stray"}, Set.of(), Set.of(), false))
                .hasMessage("unexpected argument 'stray'");
    }

    @Test
    void a_value_may_start_with_dashes_when_it_follows_its_option() throws Exception {
        assertThat(parse("--name", "--odd").string("name", null)).isEqualTo("--odd");
    }
}
