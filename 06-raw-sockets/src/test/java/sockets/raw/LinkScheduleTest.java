package sockets.raw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The link's rule and its settings, without any privilege: pure decisions from a seed. */
@Tag("fix")
class LinkScheduleTest {

    private static final long MS = 1_000_000;

    @Test
    void the_same_seed_decides_the_same_way_and_the_share_lost_is_near_the_setting() {
        LinkConfig c = LinkConfig.parse("loss=10%,seed=42");
        LinkSchedule a = new LinkSchedule(c, 42);
        LinkSchedule b = new LinkSchedule(c, 42);
        for (int i = 0; i < 10_000; i++) {
            assertThat(a.decide(100, i)).isEqualTo(b.decide(100, i));
        }
        assertThat(a.stats().lost()).isBetween(900L, 1100L);
        assertThat(a.stats().delivered() + a.stats().lost()).isEqualTo(10_000);
        assertThat(a.stats().packets()).isEqualTo(10_000);
    }

    @Test
    void a_packet_over_the_mtu_is_dropped_and_one_at_the_mtu_passes() {
        LinkSchedule s = new LinkSchedule(LinkConfig.parse("mtu=576"), 1);
        assertThat(s.decide(577, 0)).isEmpty();
        assertThat(s.decide(576, 0)).containsExactly(0L);
        assertThat(s.stats().tooBig()).isEqualTo(1);
        assertThat(s.stats().largest()).isEqualTo(577);
    }

    @Test
    void every_packet_is_held_for_the_delay_and_jitter_never_reorders() {
        LinkSchedule s = new LinkSchedule(LinkConfig.parse("delay=25ms,jitter=10ms"), 3);
        long last = 0;
        for (int i = 0; i < 1000; i++) {
            long now = i * 100_000L;
            long due = s.decide(100, now)[0];
            assertThat(due - now).isBetween(25 * MS, 35 * MS);
            assertThat(due).isGreaterThanOrEqualTo(last);
            last = due;
        }
    }

    @Test
    void a_reordered_packet_skips_the_delay_and_overtakes() {
        LinkSchedule s = new LinkSchedule(LinkConfig.parse("delay=25ms,reorder=100%"), 3);
        assertThat(s.decide(100, 5)).containsExactly(5L);
        assertThat(s.stats().reordered()).isEqualTo(1);
    }

    @Test
    void a_duplicated_packet_is_delivered_twice() {
        LinkSchedule s = new LinkSchedule(LinkConfig.parse("delay=1ms,duplicate=100%"), 3);
        assertThat(s.decide(100, 0)).containsExactly(MS, MS);
        assertThat(s.stats().duplicated()).isEqualTo(1);
    }

    @Test
    void the_rate_spaces_packets_and_a_full_queue_drops() {
        // 8 kbit/s: a 100-byte packet takes 100 ms to leave; two may wait
        LinkSchedule s = new LinkSchedule(LinkConfig.parse("rate=8kbit,queue=2"), 3);
        assertThat(s.decide(100, 0)).containsExactly(100 * MS);
        assertThat(s.decide(100, 0)).containsExactly(200 * MS);
        assertThat(s.decide(100, 0)).isEmpty();
        assertThat(s.stats().queueFull()).isEqualTo(1);
        assertThat(s.decide(100, 150 * MS)).containsExactly(300 * MS); // the first has left
    }

    @Test
    void the_next_packets_can_be_lost_on_purpose() {
        LinkSchedule s = new LinkSchedule(LinkConfig.DEFAULT, 3);
        s.dropNext(2);
        assertThat(s.decide(100, 0)).isEmpty();
        assertThat(s.decide(100, 0)).isEmpty();
        assertThat(s.decide(100, 0)).containsExactly(0L);
        assertThat(s.stats().lost()).isEqualTo(2);
    }

    @Test
    void a_cut_link_drops_everything_until_it_is_joined_again() {
        LinkSchedule s = new LinkSchedule(LinkConfig.DEFAULT, 3);
        s.cut(true);
        assertThat(s.decide(100, 0)).isEmpty();
        s.cut(false);
        assertThat(s.decide(100, 0)).containsExactly(0L);
        assertThat(s.stats().cut()).isEqualTo(1);
        assertThat(s.stats().toString()).contains("2 packets: 1 delivered").contains("1 dropped while cut");
    }

    @Test
    void settings_are_read_from_one_spec_and_written_back_the_same_way() {
        LinkConfig c = LinkConfig.parse("mtu=1500,delay=25ms,jitter=1.5ms,loss=1%,duplicate=0.5%,reorder=2%,rate=10mbit,queue=50,seed=7");
        assertThat(c).isEqualTo(new LinkConfig(1500, Duration.ofMillis(25), Duration.ofNanos(1_500_000), 0.01, 0.005, 0.02,
                10_000_000, 50, 7));
        assertThat(LinkConfig.parse(c.toString())).isEqualTo(c);
        assertThat(LinkConfig.parse("")).isEqualTo(LinkConfig.DEFAULT);
        assertThat(LinkConfig.parse("delay=1s,loss=0.25,rate=512kbit").delay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(LinkConfig.parse("delay=200us").delay()).isEqualTo(Duration.ofNanos(200_000));
        assertThat(LinkConfig.parse("rate=1gbit").rateBitsPerSecond()).isEqualTo(1_000_000_000L);
        assertThat(LinkConfig.parse("rate=512kbit").rateBitsPerSecond()).isEqualTo(512_000L);
        assertThat(LinkConfig.parse("rate=9600bit,delay=0").rateBitsPerSecond()).isEqualTo(9600L);
        assertThat(LinkConfig.parse("loss=0.25").loss()).isEqualTo(0.25);
        assertThat(c.toString()).isEqualTo("mtu=1500,delay=25ms,jitter=1.5ms,loss=1%,duplicate=0.5%,reorder=2%,rate=10mbit,queue=50,seed=7");
        assertThat(LinkConfig.parse("rate=1gbit").toString()).contains("rate=1gbit");
        assertThat(LinkConfig.parse("rate=512kbit").toString()).contains("rate=512kbit");
        assertThat(LinkConfig.parse("rate=9600bit").toString()).contains("rate=9600bit");
        assertThat(LinkConfig.parse("rate=1001bit").toString()).contains("rate=1001bit");
    }

    @Test
    void a_setting_that_cannot_be_read_says_which() {
        assertThatThrownBy(() -> LinkConfig.parse("mtu=67")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LinkConfig.parse("mtu=65536")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LinkConfig.parse("loss=101%")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LinkConfig.parse("loss=-1%")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LinkConfig.parse("delay=25")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LinkConfig.parse("delay=2h")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LinkConfig.parse("rate=10")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LinkConfig.parse("rate=-1bit")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LinkConfig.parse("queue=0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LinkConfig.parse("colour=red")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("colour");
        assertThatThrownBy(() -> LinkConfig.parse("mtu")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LinkConfig.parse("seed=x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void the_command_refuses_a_bad_setting_with_status_2() {
        var err = new java.io.ByteArrayOutputStream();
        int status = Link.run(new String[] {"--loss", "200%", "--client", "true"}, System.out, new java.io.PrintStream(err, true));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).startsWith("Link: loss must be");
        assertThat(Link.run(new String[] {"--delay", "5ms"}, System.out, new java.io.PrintStream(err, true))).isEqualTo(2);
        assertThat(Link.run(new String[] {"--help"}, new java.io.PrintStream(new java.io.ByteArrayOutputStream()), System.err)).isZero();
    }
}
