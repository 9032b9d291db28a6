package sockets.raw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Two ordinary conditions at once, for the pieces of this lesson that are meant to be copied. Each
 * test is named by its combination; each failed on the code before issue 21 and passes now. The
 * raw-socket ones need CAP_NET_RAW and skip, saying so, without it.
 */
@Timeout(60)
class CombinedFaultsTest {

    static RawSocket quietSocket() throws RawSocketException {
        try {
            return RawSocket.packet("lo", Ethernet.LOCAL_EXPERIMENTAL); // nothing sends this ethertype here
        } catch (RawSocketException e) {
            assumeTrue(!e.permissionDenied(), "needs CAP_NET_RAW: " + e.getMessage());
            throw e;
        }
    }

    @Test
    @Tag("fix")
    @EnabledOnOs(OS.LINUX)
    void subMillisecondTimeout_quietInterface_returnsNull_notForever() throws Exception {
        try (RawSocket s = quietSocket()) {
            // Before issue 21: a timeval of {0, 0}, which the kernel reads as "no timeout".
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThat(s.receive(1500, Duration.ofNanos(500_000))).isNull());
            assertThatThrownBy(() -> s.receive(1500, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> s.receive(0, Duration.ofMillis(1))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    @Tag("fix")
    @EnabledOnOs(OS.LINUX)
    void closeFromAnotherThread_duringALongReceive_endsItWithinASlice() throws Exception {
        RawSocket s = quietSocket();
        CountDownLatch receiving = new CountDownLatch(1);
        CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
            receiving.countDown();
            try {
                s.receive(1500, Duration.ofHours(1));
                return null;
            } catch (Throwable t) {
                return t;
            }
        }, Thread::startVirtualThread);
        receiving.await();
        long start = System.nanoTime();
        // Before issue 21, close() waited for the hour-long receive to end.
        assertTimeoutPreemptively(Duration.ofSeconds(10), s::close);
        Throwable t = outcome.get(10, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(t).isInstanceOf(IllegalStateException.class).hasMessage("socket closed");
    }

    @Test
    @Tag("fix")
    @EnabledOnOs(OS.LINUX)
    void interrupt_during_receive_returnsNullWithTheFlagSet() throws Exception {
        try (RawSocket s = quietSocket()) {
            CountDownLatch receiving = new CountDownLatch(1);
            CompletableFuture<String> outcome = new CompletableFuture<>();
            Thread t = Thread.ofPlatform().start(() -> {
                receiving.countDown();
                try {
                    RawSocket.Received r = s.receive(1500, Duration.ofHours(1));
                    outcome.complete((r == null ? "null" : "frame") + ", interrupted=" + Thread.currentThread().isInterrupted());
                } catch (Throwable e) {
                    outcome.completeExceptionally(e);
                }
            });
            receiving.await();
            t.interrupt();
            assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo("null, interrupted=true");
        }
    }

    /** An IPv4 header (checksum right) with the given flags-and-offset field over {@code payload}. */
    static byte[] ipv4(int flagsAndOffset, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(20 + payload.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + payload.length)).putShort((short) 7)
                .putShort((short) flagsAndOffset).put((byte) 64).put((byte) Ipv4.UDP).putShort((short) 0)
                .put(new byte[] {10, 0, 0, 1}).put(new byte[] {10, 0, 0, 2}).put(payload);
        byte[] p = b.array();
        int sum = InternetChecksum.of(p, 0, 20);
        p[10] = (byte) (sum >> 8);
        p[11] = (byte) sum;
        return p;
    }

    static byte[] frame(byte[] ip) {
        return new Ethernet(new byte[6], new byte[6], Ethernet.IPV4, ip).toBytes();
    }

    @Test
    @Tag("fix")
    void laterFragment_ofAUdpDatagram_isNotDecodedAsAUdpHeader() {
        byte[] middle = new byte[64];
        middle[0] = 0x30; // bytes of the datagram's data that would read as "port 12345"
        middle[1] = 0x39;
        Ipv4 later = Ipv4.parse(ipv4(0x0000 | (1480 / 8), middle), 0); // offset 1480, last fragment
        assertThat(later.fragment()).isTrue();
        assertThat(later.fragmentOffset()).isEqualTo(1480);
        assertThat(later.moreFragments()).isFalse();
        String line = RawSniff.describe(frame(ipv4(1480 / 8, middle)));
        assertThat(line).startsWith("IPv4 10.0.0.1 -> 10.0.0.2 UDP fragment at offset 1480, the last").doesNotContain("12345");
        assertThat(RawSniff.matches(frame(ipv4(1480 / 8, middle)), "udp", 12345)).isFalse();

        byte[] first = new byte[64];
        first[4] = 0x05; // UDP length 1400: more than this fragment holds
        first[5] = 0x78;
        assertThat(RawSniff.describe(frame(ipv4(0x2000, first)))).contains("fragment at offset 0, more follow");
        assertThat(Ipv4.parse(ipv4(0x4000, first), 0).fragment()).as("don't-fragment alone is a whole packet").isFalse();
    }
}
