package sockets.select;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How the loop paces itself: it stops reading at the high-water mark and starts again only well
 * below it, it does not spin while a half-closed client is slow to read, and it sweeps once a
 * second however many events it handles. Each of these is invisible in the echo itself (the bytes
 * come back right either way), so each test looks at what the server spends.
 */
@Tag("fix")
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PacingTest {

    /** The lesson's small-window client (SelectEchoServerTest), with a read timeout. */
    private static Socket smallWindowClient(RunningSelectServer server) throws IOException {
        Socket s = SelectEchoServerTest.smallWindowClient(server.address().getPort());
        s.setSoTimeout(20_000);
        return s;
    }

    private static byte[] readAll(InputStream in, int n) throws IOException {
        byte[] got = in.readNBytes(n); // bounded by the socket's timeout
        assertThat(got).hasSize(n);
        return got;
    }

    private static void awaitRead(RunningSelectServer server, long bytes) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.server.counters.bytesRead() < bytes) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("the server read only " + server.server.counters.bytesRead() + " of " + bytes + " bytes");
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    @Test
    void a_client_draining_through_a_tiny_window_never_makes_the_queue_pass_the_high_water_mark_plus_one_read() throws Exception {
        // The echo can leave only a few KiB per turn while reads bring up to 256 KiB. Once paused at the
        // mark, the loop must wait until the queue is down to the low-water mark (a quarter): a
        // loop that resumed as soon as anything left would grow the queue by a read each turn.
        int highWater = 256 * 1024;
        byte[] request = SelectEchoServerTest.random(4 << 20);
        try (RunningSelectServer server = new RunningSelectServer(highWater, Duration.ofSeconds(30))) {
            server.server.sendBufferForNewConnections(4096);
            try (Socket client = smallWindowClient(server)) {
                CompletableFuture<Void> sent = SelectEchoServerTest.send(client, request, false);
                assertThat(readAll(client.getInputStream(), request.length)).isEqualTo(request);
                sent.get(20, TimeUnit.SECONDS);
            }
            assertThat(server.server.counters.mostPendingBytes())
                    .isGreaterThanOrEqualTo(highWater) // the mark was reached: the test did test it
                    .isLessThan(highWater + SelectEchoServer.READ_BUFFER);
        }
    }

    @Test
    void after_a_half_close_the_loop_sleeps_until_the_client_reads_instead_of_waking_again_and_again() throws Exception {
        // 128 KiB arrive and wait in the server's queue while the client does not read; then the
        // FIN. From then on the server has nothing to do until the client reads: one pass for the
        // FIN, perhaps one for a sweep, and no more (the end of stream stays "readable", so a loop
        // that went on asking to read after it would be woken for nothing).
        byte[] request = SelectEchoServerTest.random(128 * 1024);
        try (RunningSelectServer server = RunningSelectServer.start()) {
            server.server.sendBufferForNewConnections(4096);
            try (Socket client = smallWindowClient(server)) {
                SelectEchoServerTest.send(client, request, false).get(20, TimeUnit.SECONDS);
                awaitRead(server, request.length);
                long before = server.server.counters.wakeups();
                client.shutdownOutput();
                Thread.sleep(300); // bounded: the only way to show the loop does nothing meanwhile
                long passes = server.server.counters.wakeups() - before;
                // The FIN is one event; a sweep may fall into the 300 ms as well.
                assertThat(passes).as("passes of the loop while the half-closed client did not read").isLessThanOrEqualTo(3);
                assertThat(readAll(client.getInputStream(), request.length)).isEqualTo(request);
                assertThat(client.getInputStream().read()).isEqualTo(-1); // and then it closes
            }
        }
    }

    @Test
    void the_sweep_runs_at_most_once_a_second_however_many_events_the_loop_handles() throws Exception {
        try (RunningSelectServer server = RunningSelectServer.start(); Socket client = server.connect()) {
            client.setSoTimeout(10_000);
            long sweepsBefore = server.server.counters.sweeps();
            long start = System.nanoTime();
            for (int i = 0; i < 500; i++) { // 500 turns of the loop, each with an event
                client.getOutputStream().write(i);
                assertThat(client.getInputStream().read()).isEqualTo(i & 0xff);
            }
            long elapsedSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertThat(server.server.counters.sweeps() - sweepsBefore).isLessThanOrEqualTo(elapsedSeconds + 1);
        }
    }

    /** Not a pacing rule, but the bound the rules keep: memory is counted in whole chunks. */
    @Test
    void the_heap_a_queue_takes_is_its_bytes_rounded_up_to_whole_chunks() throws Exception {
        try (RunningSelectServer server = RunningSelectServer.start()) {
            server.server.sendBufferForNewConnections(4096);
            try (Socket client = smallWindowClient(server)) {
                byte[] request = SelectEchoServerTest.random(100_000);
                SelectEchoServerTest.send(client, request, false).get(20, TimeUnit.SECONDS);
                awaitRead(server, request.length);
                assertThat(readAll(client.getInputStream(), request.length)).isEqualTo(request);
            }
            long bytes = server.server.counters.mostPendingBytes();
            assertThat(bytes).isPositive();
            assertThat(server.server.counters.mostPendingHeapBytes())
                    .isGreaterThanOrEqualTo(bytes)
                    .isLessThan(bytes + 2L * OutputQueue.CHUNK);
        }
    }
}
