package sockets.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The program wiring every lesson carries a copy of. */
class ProgramsTest {

    @Test
    void addresses_are_written_as_a_user_types_them_with_ipv6_shortened_and_bracketed() throws Exception {
        assertThat(Programs.hostPort(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 5001)))
                .isEqualTo("127.0.0.1:5001");
        assertThat(Programs.hostPort(new InetSocketAddress(InetAddress.getByName("::1"), 5004))).isEqualTo("[::1]:5004");
        assertThat(Programs.hostPort(InetAddress.getByName("::"), 1)).isEqualTo("[::]:1");
        assertThat(Programs.hostPort(InetAddress.getByName("2001:db8:0:0:1:0:0:1"), 80)).isEqualTo("[2001:db8::1:0:0:1]:80");
        assertThat(Programs.hostPort(InetAddress.getByName("2001:db8:1:2:3:4:5:6"), 80)).isEqualTo("[2001:db8:1:2:3:4:5:6]:80");
        assertThat(Programs.hostPort(InetAddress.getByName("fe80:0:0:0:1:0:0:0"), 9)).isEqualTo("[fe80::1:0:0:0]:9");
        assertThat(Programs.hostPort(InetAddress.getByName("1:0:2:0:0:3:0:4"), 9)).isEqualTo("[1:0:2::3:0:4]:9");
        assertThat(Programs.hostPort(InetSocketAddress.createUnresolved("example.invalid", 7))).isEqualTo("example.invalid:7");
    }

    @Test
    void a_bind_failure_is_one_line_that_says_what_to_do_and_exits_1() {
        for (String[] c : new String[][] {
            {"Address already in use", "another program is using that port"},
            {"Cannot assign requested address", "no interface of this machine has that address"},
        }) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = Programs.serve("Test", new InetSocketAddress(InetAddress.getLoopbackAddress(), 5999), a -> {
                throw new BindException(c[0]);
            }, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(status).isEqualTo(Programs.EXIT_FAILURE);
            assertThat(err.toString(StandardCharsets.UTF_8))
                    .isEqualTo("Test: cannot listen on 127.0.0.1:5999: " + c[0] + " (" + c[1]
                            + (c[1].startsWith("another") ? "; pick another, or --port 0 for any free one)"
                                    : "; try --host 127.0.0.1)") + System.lineSeparator());
        }
    }

    @Test
    void permission_denied_on_a_low_port_suggests_a_high_one() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Programs.serve("Test", new InetSocketAddress(InetAddress.getLoopbackAddress(), 80), a -> {
            throw new BindException("Permission denied");
        }, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("ports below 1024 need root");
    }

    @Test
    void a_server_that_fails_while_serving_exits_1_and_one_that_is_stopped_exits_0() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        FakeServer failing = new FakeServer(new IOException("selector broke"));
        assertThat(Programs.serve("Test", failing.address, a -> failing, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))).isEqualTo(Programs.EXIT_FAILURE);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("listening on 127.0.0.1:4242" + System.lineSeparator());
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("Test: stopped after a failure: selector broke"
                + System.lineSeparator());
        assertThat(failing.closed.getCount()).isZero();

        FakeServer fine = new FakeServer(null);
        assertThat(Programs.serve("Test", fine.address, a -> fine, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()))).isZero();
    }

    @Test
    void the_listen_address_defaults_to_loopback_and_refuses_a_host_that_does_not_resolve() throws Exception {
        CommandLine none = new CommandLine(new String[0], Set.of("host", "port"), Set.of(), false);
        assertThat(Programs.listenAddress(none, 5003)).isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 5003));
        CommandLine bad = new CommandLine(new String[] {"--host", "no-such-host.invalid"}, Set.of("host", "port"), Set.of(), false);
        assertThatThrownBy(() -> Programs.listenAddress(bad, 1)).isInstanceOf(CommandLine.UsageException.class)
                .hasMessage("--host: cannot resolve 'no-such-host.invalid'");
        CommandLine port = new CommandLine(new String[] {"--port", "70000"}, Set.of("host", "port"), Set.of(), false);
        assertThatThrownBy(() -> Programs.listenAddress(port, 1)).isInstanceOf(CommandLine.UsageException.class);
    }

    @Test
    void a_usage_error_prints_the_problem_then_the_usage_and_returns_2() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Programs.usageError("Prog", new CommandLine.UsageException("bad thing"), "usage: Prog",
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).lines()).containsExactly("Prog: bad thing", "usage: Prog");
    }

    /** Serves by returning at once, or by throwing the failure it was given. */
    private static final class FakeServer implements Programs.Server {
        final InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 4242);
        final CountDownLatch closed = new CountDownLatch(1);
        private final IOException failure;

        FakeServer(IOException failure) {
            this.failure = failure;
        }

        @Override
        public InetSocketAddress localAddress() {
            return address;
        }

        @Override
        public void serve() throws IOException {
            if (failure != null) {
                throw failure;
            }
        }

        @Override
        public void close() {
            closed.countDown();
        }

        @Override
        public boolean awaitStopped(Duration timeout) throws InterruptedException {
            return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
