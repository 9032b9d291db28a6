package sockets.framing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sockets.cli.Programs;

/**
 * Lesson 02, live: the HOWTO's five-digit length prefix read with one {@code read} when only two
 * digits have arrived, then read with two loops; then the real {@link FramingServer} given a frame
 * one byte at a time and a length prefix of 2^31-1.
 */
public final class Demo {

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        Programs.noOptions("Demo", "Runs lesson 02's pitfall and its fix, live, on loopback (takes no options).", args);
        run(System.out);
    }

    static void run(PrintStream out) throws Exception {
        out.println("== The pitfall: the length prefix arrives in two pieces (F-10) ==");
        out.println("The sender writes the frame \"00012hello world!\" as \"00\", then, once the reader's first");
        out.println("read has returned, \"012hello world!\". Both pieces are perfectly normal TCP.");
        try (SplitSender sender = new SplitSender("00", "012hello world!")) {
            try {
                byte[] first = NaiveFraming.readAsciiLengthFrame(sender.in());
                out.printf("One read of the 5-digit prefix saw \"00\": a message of %d bytes.%n", first.length);
                byte[] second = NaiveFraming.readAsciiLengthFrame(sender.in());
                out.printf("Then it took \"012he\" as the next length: %d bytes of garbage.%n", second.length);
            } catch (NumberFormatException e) {
                out.println("Then it took \"012he\" as the next length: NumberFormatException (" + e.getMessage() + ").");
            }
        }

        out.println();
        out.println("== The fix: one loop for the prefix, one for the body ==");
        try (SplitSender sender = new SplitSender("00", "012hello world!")) {
            byte[] frame = new AsciiLengthReader(sender.in(), 1024).readFrame();
            out.printf("AsciiLengthReader got \"%s\" from the same two pieces.%n", new String(frame, StandardCharsets.US_ASCII));
        }

        out.println();
        out.println("== The real FramingServer (4-byte length prefix, 1 MiB limit) ==");
        try (FramingServer server = FramingServer.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                FramingServer.Framing.LENGTH, 1 << 20, Duration.ofSeconds(10), new IndentedLog(out))) {
            Thread serving = Thread.ofPlatform().name("demo-framing-server").start(server::serve);
            int port = server.localAddress().getPort();
            byte[] message = "one byte at a time".getBytes(StandardCharsets.US_ASCII);
            try (Socket slow = new Socket(InetAddress.getLoopbackAddress(), port)) {
                slow.setTcpNoDelay(true); // so that each byte really leaves in its own segment
                OutputStream o = slow.getOutputStream();
                byte[] frame = new byte[4 + message.length];
                frame[3] = (byte) message.length;
                System.arraycopy(message, 0, frame, 4, message.length);
                for (byte b : frame) {
                    o.write(b);
                }
                byte[] reply = new LengthPrefixedReader(new BufferedInputStream(slow.getInputStream()), 1024).readFrame();
                out.printf("A client sent its %d-byte frame one byte per write; the echo came back whole: \"%s\".%n",
                        frame.length, new String(reply, StandardCharsets.US_ASCII));
            }
            try (Socket liar = new Socket(InetAddress.getLoopbackAddress(), port);
                 Socket honest = new Socket(InetAddress.getLoopbackAddress(), port)) {
                liar.getOutputStream().write(new byte[] {0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
                out.println("Another client announced a frame of 2^31-1 bytes. The server rejects it before allocating:");
                int end = liar.getInputStream().read();
                out.println("its connection was closed (read returned " + end + "), and meanwhile:");
                new LengthPrefixedWriter(honest.getOutputStream(), 1024).writeFrame("still served".getBytes(StandardCharsets.US_ASCII));
                byte[] reply = new LengthPrefixedReader(new BufferedInputStream(honest.getInputStream()), 1024).readFrame();
                out.printf("another client was answered: \"%s\".%n", new String(reply, StandardCharsets.US_ASCII));
            }
            server.close();
            serving.join(5_000);
        }
        out.println();
        out.println("Read the lesson: 02-framing/README.md. Run the tests: ./mvnw -pl 02-framing verify");
    }

    /** A connected pair whose sender writes the second piece only after the reader's first read. */
    private static final class SplitSender implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        private final Socket reader;
        private final CountDownLatch firstRead = new CountDownLatch(1);
        private final InputStream in;
        private final Thread writer;

        SplitSender(String first, String second) throws IOException {
            reader = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
            Socket sending = listener.accept();
            in = new SignallingInputStream(reader.getInputStream(), firstRead);
            writer = Thread.ofVirtual().start(() -> {
                try (sending) {
                    sending.getOutputStream().write(first.getBytes(StandardCharsets.US_ASCII));
                    firstRead.await(5, TimeUnit.SECONDS);
                    sending.getOutputStream().write(second.getBytes(StandardCharsets.US_ASCII));
                } catch (IOException | InterruptedException e) {
                    // the demo moved on
                }
            });
        }

        InputStream in() {
            return in;
        }

        @Override
        public void close() throws IOException, InterruptedException {
            writer.join(5_000);
            reader.close();
            listener.close();
        }
    }

    private static final class IndentedLog extends PrintStream {
        private final PrintStream target;

        IndentedLog(PrintStream target) {
            super(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
            this.target = target;
        }

        @Override
        public void println(String line) {
            target.println("  server| " + line);
        }
    }
}
