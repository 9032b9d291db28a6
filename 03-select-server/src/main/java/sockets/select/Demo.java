package sockets.select;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.zip.CRC32;
import sockets.cli.Programs;

/**
 * Lesson 03, live: the seed's select server ignoring how much {@code write} took, losing data
 * under back-pressure; then the server that keeps the unwritten rest, with the same client.
 */
public final class Demo {

    private static final int SIZE = 8 << 20;

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        Programs.noOptions("Demo", "Runs lesson 03's pitfall and its fix, live, on loopback (takes no options).", args);
        run(System.out);
    }

    static void run(PrintStream out) throws Exception {
        byte[] request = new byte[SIZE];
        new Random(3).nextBytes(request);
        out.println("A client with a small receive window sends 8 MiB, half-closes, and only then reads its echo.");
        out.println("The server's writes back up, so many of them can take only part of what they are given.");
        out.println();
        out.println("== The pitfall: the seed's loop, ch.write(queue.poll()), return value ignored (S-14, BUG-17) ==");
        try (NaiveSelectEchoServer naive = new NaiveSelectEchoServer(4096)) {
            Thread loop = Thread.ofPlatform().name("naive-select").start(() -> {
                try {
                    naive.serve();
                } catch (IOException ignored) {
                    // stopped by the demo
                }
            });
            Received got = exchange(naive.port(), request);
            out.printf("The server handed %,d bytes to write(); write() took %,d. The client got %,d of %,d bytes.%n",
                    naive.handedToWrite.get(), naive.written.get(), got.bytes(), SIZE);
            naive.close();
            loop.join(5_000);
        }
        out.println();
        out.println("== The fix: a partial write keeps the rest at the head of the queue ==");
        try (SelectEchoServer server = SelectEchoServer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                SelectEchoServer.DEFAULT_HIGH_WATER, SelectEchoServer.DEFAULT_MAX_CONNECTIONS, Duration.ofSeconds(30),
                new PrintStream(OutputStream.nullOutputStream()))) {
            server.sendBufferForNewConnections(4096);
            Thread loop = Thread.ofPlatform().name("select-server").start(() -> {
                try {
                    server.serve();
                } catch (IOException e) {
                    out.println("the server failed: " + e.getMessage());
                }
            });
            Received got = exchange(server.localAddress().getPort(), request);
            out.printf("The server read %,d bytes and wrote %,d. The client got %,d of %,d bytes, checksum %s.%n",
                    server.counters.bytesRead(), server.counters.bytesWritten(), got.bytes(), SIZE, got.intact() ? "equal" : "DIFFERENT");
            out.printf("Its most unsent echo for one client was %,d bytes: back-pressure kept it under %,d + one read.%n",
                    server.counters.mostPendingBytes(), SelectEchoServer.DEFAULT_HIGH_WATER);
            server.close();
            loop.join(5_000);
        }
        out.println();
        out.println("Read the lesson: 03-select-server/README.md. Run the tests: ./mvnw -pl 03-select-server verify");
    }

    /** What the client received: how many bytes, and whether they were exactly what it sent. */
    private record Received(long bytes, boolean intact) {
    }

    /** Sends everything, half-closes, then reads to the end. */
    private static Received exchange(int port, byte[] request) throws Exception {
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            Thread sender = Thread.ofVirtual().start(() -> {
                try {
                    s.getOutputStream().write(request);
                    s.shutdownOutput();
                } catch (IOException ignored) {
                    // the naive server may reset us
                }
            });
            CRC32 sent = new CRC32();
            sent.update(request);
            CRC32 received = new CRC32();
            long total = 0;
            byte[] buffer = new byte[64 * 1024];
            InputStream in = s.getInputStream();
            try {
                int n;
                while ((n = in.read(buffer)) != -1) {
                    received.update(buffer, 0, n);
                    total += n;
                }
            } catch (IOException reset) {
                // what arrived before a reset is what the client got
            }
            sender.join();
            return new Received(total, total == request.length && sent.getValue() == received.getValue());
        }
    }
}
