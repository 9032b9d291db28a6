package sockets.udp;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import sockets.cli.Programs;

/**
 * Lesson 04, live: a 9,000-byte datagram cut to 8,192 without a word, then caught; a lost answer
 * leaving a client waiting, then a numbered, retried request that survives it.
 */
public final class Demo {

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        Programs.noOptions("Demo", "Runs lesson 04's pitfall and its fix, live, on loopback (takes no options).", args);
        run(System.out);
    }

    static void run(PrintStream out) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        byte[] big = new byte[9000];

        out.println("== The pitfall: a datagram larger than the buffer is cut short, silently (U-06) ==");
        try (DatagramSocket receiver = new DatagramSocket(0, loopback); DatagramSocket sender = new DatagramSocket()) {
            sender.send(new DatagramPacket(big, big.length, receiver.getLocalSocketAddress()));
            DatagramPacket packet = new DatagramPacket(new byte[8192], 8192);
            receiver.receive(packet);
            out.printf("Sent 9,000 bytes; receive() into 8,192 returned %,d bytes and no error. %,d bytes are gone.%n",
                    packet.getLength(), big.length - packet.getLength());
        }
        out.println();
        out.println("== The fix: a buffer one byte larger than the limit, so a full buffer means \"too large\" ==");
        try (DatagramChannel receiver = DatagramChannel.open().bind(new InetSocketAddress(loopback, 0));
             DatagramSocket sender = new DatagramSocket()) {
            sender.send(new DatagramPacket(big, big.length, receiver.getLocalAddress()));
            Datagrams.Received d = Datagrams.receive(receiver, ByteBuffer.allocate(8193), 8192);
            out.println("Datagrams.receive with an 8,192-byte limit: tooLarge = " + d.tooLarge() + ". Reported, not used cut short.");
        }

        out.println();
        out.println("== The pitfall: the answer is lost, and a client without a timeout waits for ever ==");
        try (UdpServer server = UdpServer.bind(new InetSocketAddress(loopback, 0), false, 8192,
                new PrintStream(OutputStream.nullOutputStream()))) {
            Thread serving = Thread.ofPlatform().start(() -> {
                try {
                    server.serve();
                } catch (IOException e) {
                    out.println("the server failed: " + e.getMessage());
                }
            });
            try (LossyRelay relay = new LossyRelay(server.localAddress(), LossyRelay.Rule.drop(LossyRelay.Direction.TO_CLIENT, 0));
                 DatagramSocket naive = new DatagramSocket()) {
                naive.connect(relay.address());
                CompletableFuture<byte[]> answer = CompletableFuture.supplyAsync(() -> {
                    try {
                        return NaiveUdpClient.request(naive, "Hello you there!".getBytes(StandardCharsets.UTF_8));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, Thread::startVirtualThread);
                try {
                    answer.get(1, TimeUnit.SECONDS);
                    out.println("(the answer arrived after all?)");
                } catch (TimeoutException stillWaiting) {
                    out.println("The network dropped the answer. After a second the naive client is still waiting, and would");
                    out.println("wait for ever: nothing in UDP will ever tell it. (The demo closes its socket.)");
                }
            }
            out.println();
            out.println("== The fix: a numbered request, a timeout, and retries (stop-and-wait) ==");
            try (LossyRelay relay = new LossyRelay(server.localAddress(), LossyRelay.Rule.drop(LossyRelay.Direction.TO_CLIENT, 0));
                 DatagramSocket socket = new DatagramSocket()) {
                socket.connect(relay.address());
                long before = server.processed();
                UdpClient.Answer a = new UdpClient(socket, Duration.ofSeconds(1), 3)
                        .request("Hello you there!".getBytes(StandardCharsets.UTF_8));
                out.printf("UdpClient got \"%s\" on try %d; the server processed the request %d time(s),%n",
                        new String(a.body(), StandardCharsets.UTF_8), a.attempts(), server.processed() - before);
                out.println("because the retransmission carried the same number and was answered from memory.");
            }
            server.close();
            serving.join(5_000);
        }
        out.println();
        out.println("Read the lesson: 04-udp/README.md. Run the tests: ./mvnw -pl 04-udp verify");
    }
}
