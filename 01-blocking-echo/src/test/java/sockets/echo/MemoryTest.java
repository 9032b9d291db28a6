package sockets.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Memory measured, not argued ({@code com.sun.management.ThreadMXBean.getThreadAllocatedBytes}):
 * what {@link EchoServer} allocates per connection however much it echoes, and what
 * {@link EchoClient#readExactly} allocates for a reply. The bounds are the ones
 * {@code docs/reference.md} states; the figures are printed.
 */
@Timeout(30)
@Tag("fix")
class MemoryTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static long echoThrough(RunningEchoServer server, byte[] request) throws Exception {
        try (Socket s = server.connect()) {
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    out.write(request);
                    s.shutdownOutput();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            long echoed = s.getInputStream().readAllBytes().length;
            sent.get(10, TimeUnit.SECONDS);
            return echoed;
        }
    }

    /** Waits, at most 10 s, until the log says {@code n} connections closed their side. */
    private static void awaitLines(RunningEchoServer server, int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.log().split("closed its side", -1).length <= n && System.nanoTime() - deadline < 0) {
            Thread.onSpinWait();
            Thread.yield();
        }
        assertThat(server.log().split("closed its side", -1).length).isGreaterThan(n);
    }

    @Test
    void echoServer_4MiBEchoed_allocatesItsBufferAndAboutAWatchdogGuardPerRead_notTheBytes() throws Exception {
        byte[] request = new byte[4 << 20];
        try (RunningEchoServer server = RunningEchoServer.start()) {
            echoThrough(server, new byte[1 << 16]); // classes loaded, JIT warmed a little
            awaitLines(server, 1);
            long id = server.thread().threadId();
            long before = THREADS.getThreadAllocatedBytes(id);
            assertThat(echoThrough(server, request)).isEqualTo(request.length);
            awaitLines(server, 2); // the server thread has finished with the connection once it logs
            long allocated = THREADS.getThreadAllocatedBytes(id) - before;
            System.out.printf("EchoServer, one connection echoing %d bytes: %d bytes allocated on its thread%n",
                    request.length, allocated);
            // At least 512 reads of at most 8 KiB, each arming a watchdog guard (a few hundred bytes):
            // far below the bytes echoed, and independent of how long the client takes.
            assertThat(allocated).isLessThan(request.length / 8);
        }
    }

    @Test
    void readExactly_1MiB_allocatesAboutTwiceTheReply() throws IOException {
        byte[] reply = new byte[1 << 20];
        EchoClient.readExactly(new ByteArrayInputStream(reply), reply.length); // warm up
        InputStream in = new ByteArrayInputStream(reply);
        long before = THREADS.getCurrentThreadAllocatedBytes();
        assertThat(EchoClient.readExactly(in, reply.length)).hasSize(reply.length);
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        System.out.printf("EchoClient.readExactly, %d bytes: %d bytes allocated (%.2f x)%n", reply.length, allocated,
                allocated / (double) reply.length);
        assertThat(allocated).isLessThan(reply.length * 5L / 2);
    }
}
