package sockets.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each of the fault proxy's modes does what it says, in front of a plain echo server. */
@Timeout(60)
@Tag("fix")
class FaultProxyTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private ServerSocket echo;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void startEcho() throws IOException {
        echo = new ServerSocket(0, 50, LOOPBACK);
        Thread.ofVirtual().start(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            s.getInputStream().transferTo(s.getOutputStream());
                            s.shutdownOutput();
                        } catch (IOException gone) {
                            // the client went away
                        }
                    });
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        echo.close();
    }

    private Socket through(String mode) throws IOException {
        FaultProxy proxy = FaultProxy.start(new InetSocketAddress(LOOPBACK, 0), (InetSocketAddress) echo.getLocalSocketAddress(),
                mode, new PrintStream(OutputStream.nullOutputStream()));
        open.add(proxy);
        Socket s = new Socket(LOOPBACK, proxy.localAddress().getPort());
        s.setSoTimeout(10_000);
        open.add(s);
        return s;
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void pass_forwards_both_ways_and_passes_the_half_close_on() throws IOException {
        Socket s = through("pass");
        s.getOutputStream().write(b("hello"));
        s.shutdownOutput();
        assertThat(s.getInputStream().readAllBytes()).isEqualTo(b("hello"));
    }

    @Test
    void reset_resets_the_client() throws IOException {
        Socket s = through("reset");
        assertThatThrownBy(() -> {
            s.getOutputStream().write(b("hello"));
            s.getInputStream().read();
        }).isInstanceOf(SocketException.class);
    }

    @Test
    void limit_forwards_n_bytes_then_closes() throws IOException {
        Socket s = through("limit:3");
        s.getOutputStream().write(b("hello"));
        InputStream in = s.getInputStream();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try {
            in.transferTo(got);
        } catch (SocketException reset) {
            // closing with bytes in flight may reset; what arrived is what counts
        }
        assertThat(got.toString(StandardCharsets.US_ASCII)).isEqualTo("hel");
    }

    @Test
    void slice_delivers_everything_in_small_pieces() throws IOException {
        Socket s = through("slice:2");
        s.getOutputStream().write(b("hello world"));
        s.shutdownOutput();
        assertThat(s.getInputStream().readAllBytes()).isEqualTo(b("hello world"));
    }

    @Test
    void delay_delivers_everything_later() throws IOException {
        Socket s = through("delay:50");
        s.getOutputStream().write(b("late"));
        s.shutdownOutput();
        assertThat(s.getInputStream().readAllBytes()).isEqualTo(b("late"));
    }

    @Test
    void unknown_modes_are_refused_with_the_list_of_modes() {
        assertThatThrownBy(() -> FaultProxy.Mode.parse("slice:x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(FaultProxy.MODES);
        assertThatThrownBy(() -> FaultProxy.Mode.parse("explode")).isInstanceOf(IllegalArgumentException.class);
    }
}
