package sockets.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The proxy's modes and targets as typed on its command line. */
@Tag("fix")
class FaultProxyPartsTest {

    @Test
    void modes_without_a_number_take_none_and_modes_with_one_need_a_positive_one() {
        assertThat(FaultProxy.Mode.parse("pass")).isEqualTo(new FaultProxy.Mode("pass", 0));
        assertThat(FaultProxy.Mode.parse("BlackHole")).isEqualTo(new FaultProxy.Mode("blackhole", 0));
        assertThat(FaultProxy.Mode.parse("reset")).isEqualTo(new FaultProxy.Mode("reset", 0));
        assertThat(FaultProxy.Mode.parse("limit:5")).isEqualTo(new FaultProxy.Mode("limit", 5));
        assertThat(FaultProxy.Mode.parse("slice:1")).isEqualTo(new FaultProxy.Mode("slice", 1));
        assertThat(FaultProxy.Mode.parse("delay:250")).isEqualTo(new FaultProxy.Mode("delay", 250));
        for (String bad : new String[] {"pass:1", "limit", "limit:0", "slice:-1", "delay:x", "drop", ""}) {
            assertThatThrownBy(() -> FaultProxy.Mode.parse(bad)).as("'%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(FaultProxy.MODES);
        }
    }

    @Test
    void a_target_is_host_colon_port_with_ipv6_in_brackets() throws Exception {
        assertThat(FaultProxy.parseTarget("127.0.0.1:5001").getPort()).isEqualTo(5001);
        assertThat(FaultProxy.parseTarget("127.0.0.1:5001").getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(FaultProxy.parseTarget("[::1]:7").getAddress()).isEqualTo(InetAddress.getByName("::1"));
        for (String bad : new String[] {"127.0.0.1", "127.0.0.1:", "127.0.0.1:x", "127.0.0.1:0", "no-such-host.invalid:80"}) {
            assertThatThrownBy(() -> FaultProxy.parseTarget(bad)).as("'%s'", bad).isInstanceOf(RuntimeException.class);
        }
    }

    @Test
    void the_worst_case_keepalive_detection_is_idle_plus_every_probe_interval() {
        assertThat(Keepalive.worstCaseDetection(java.time.Duration.ofSeconds(10), java.time.Duration.ofSeconds(3), 4))
                .hasSeconds(22);
        assertThat(Keepalive.worstCaseDetection(java.time.Duration.ofHours(2), java.time.Duration.ofSeconds(75), 9))
                .isEqualTo(java.time.Duration.ofSeconds(7200 + 675)); // Linux's defaults: 2 h 11 min 15 s
    }
}
