package sockets.echo;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sockets.cli.Programs;

/**
 * Lesson 01, live: a client that takes one {@code read} for the whole reply, then the client
 * that reads until it has every byte. Runs on loopback, on free ports, in a few seconds.
 */
public final class Demo {

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        Programs.noOptions("Demo", "Runs lesson 01's pitfall and its fix, live, on loopback (takes no options).", args);
        run(System.out);
    }

    static void run(PrintStream out) throws Exception {
        byte[] hello = "Hello, world!".getBytes(StandardCharsets.US_ASCII);

        out.println("== The pitfall: one read() is not one reply (E-07) ==");
        out.println("A peer echoes \"Hello, world!\" in two pieces, the way a slow server or a busy network");
        out.println("can deliver it: \"Hello, \" first, the rest only once the client's first read has returned.");
        try (TwoPieceEchoPeer peer = new TwoPieceEchoPeer(hello.length, 7);
             Socket socket = peer.connect()) {
            byte[] reply = NaiveEchoClient.roundTrip(peer.watch(socket.getInputStream()), socket.getOutputStream(), hello);
            out.printf("NaiveEchoClient read once and got %s: %d of %d bytes. The rest arrived, and nobody read it.%n",
                    quote(reply), reply.length, hello.length);
        }

        out.println();
        out.println("== The fix: keep reading until every byte you are owed has arrived ==");
        try (TwoPieceEchoPeer peer = new TwoPieceEchoPeer(hello.length, 7);
             Socket socket = peer.connect()) {
            byte[] reply = EchoClient.roundTrip(peer.watch(socket.getInputStream()), socket.getOutputStream(), hello);
            out.printf("EchoClient.roundTrip got %s: %d of %d bytes, from the same two pieces.%n",
                    quote(reply), reply.length, hello.length);
        }

        out.println();
        out.println("== The same two clients against the real EchoServer ==");
        PrefixedLog serverLog = new PrefixedLog(out, "  server| ");
        try (EchoServer server = EchoServer.bind(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Duration.ofSeconds(10), serverLog)) {
            Thread serving = Thread.ofPlatform().name("demo-echo-server").start(server::serve);
            InetSocketAddress address = server.localAddress();
            out.println("EchoServer is listening on " + Programs.hostPort(address));

            byte[] request = randomBytes(64 * 1024);
            try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
                byte[] reply = NaiveEchoClient.roundTrip(socket.getInputStream(), socket.getOutputStream(), request);
                out.printf("NaiveEchoClient sent 65,536 bytes; its single read of at most 1,024 returned %,d.%n",
                        reply.length);
                // Wait for the whole echo before closing, so the server sees an orderly goodbye.
                socket.shutdownOutput();
                socket.getInputStream().transferTo(OutputStream.nullOutputStream());
            }

            request = randomBytes(1024 * 1024);
            try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
                byte[] reply = EchoClient.roundTrip(socket.getInputStream(), socket.getOutputStream(), request);
                out.printf("EchoClient sent %,d bytes and got back %,d; identical: %s.%n",
                        request.length, reply.length, Arrays.equals(request, reply));
            }
            // Stop the server only once it has seen both clients leave, or it would report the
            // second one as cut off by the stop.
            serverLog.finished.await(5, TimeUnit.SECONDS);
            server.close();
            serving.join(TimeUnit.SECONDS.toMillis(5));
        }
        out.println();
        out.println("Read the lesson: 01-blocking-echo/README.md. Run the tests: ./mvnw -pl 01-blocking-echo verify");
    }

    private static String quote(byte[] bytes) {
        return '"' + new String(bytes, StandardCharsets.US_ASCII) + '"';
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new Random(42).nextBytes(bytes);
        return bytes;
    }

    /** Indents the server's log lines so they stand apart from the narration. */
    private static final class PrefixedLog extends PrintStream {
        private final PrintStream target;
        private final String prefix;
        final CountDownLatch finished = new CountDownLatch(2);

        PrefixedLog(PrintStream target, String prefix) {
            super(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
            this.target = target;
            this.prefix = prefix;
        }

        @Override
        public void println(String line) {
            target.println(prefix + line);
            if (line.contains(" closed its side")) {
                finished.countDown();
            }
        }
    }
}
