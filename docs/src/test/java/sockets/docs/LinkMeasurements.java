package sockets.docs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import sockets.raw.Link;
import sockets.raw.LinkConfig;
import sockets.udp.NaiveUdpClient;
import sockets.udp.UdpClient;
import sockets.udp.UdpServer;

/**
 * The claims that need a real link, measured across lesson 06's {@link Link} (benchmarks, not
 * tests): U-08 (head-of-line blocking: the second message behind a lost first one, TCP against
 * UDP; and request loss, naive against stop-and-wait), the bandwidth-delay product (throughput
 * against {@code SO_RCVBUF} at 50 ms round trip, and F-08's read buffer there), and the
 * Nagle/delayed-ACK stall (write-write-read with and without {@code TCP_NODELAY}). Every
 * comparison is measured side by side in one run; the link's settings and seed are printed.
 *
 * <pre>sudo docs/across-a-link [hol|udp|nagle|bdp ...]</pre>
 */
public final class LinkMeasurements {

    private static final PrintStream OUT = System.out;

    private LinkMeasurements() {
    }

    public static void main(String[] args) throws Exception {
        String missing = Link.missing();
        if (missing != null) {
            System.err.println("LinkMeasurements: " + missing);
            System.exit(1);
        }
        Set<String> parts = args.length == 0 ? Set.of("hol", "udp", "nagle", "bdp") : Set.of(args);
        OUT.printf("machine: %d cores, %s %s, Java %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("java.runtime.version"));
        if (parts.contains("hol")) {
            headOfLine();
            lossyStream();
        }
        if (parts.contains("udp")) {
            udpRequests();
        }
        if (parts.contains("nagle")) {
            nagle();
        }
        if (parts.contains("bdp")) {
            bandwidthDelay();
        }
        System.exit(0);
    }

    private static Link open(String spec) throws IOException {
        Link link = Link.open(LinkConfig.parse(spec));
        OUT.println("link: " + link.config());
        return link;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static double median(List<Long> values) {
        long[] v = values.stream().mapToLong(Long::longValue).sorted().toArray();
        return v.length == 0 ? Double.NaN : ms(v[v.length / 2]);
    }

    private static double percentile(List<Long> values, double p) {
        long[] v = values.stream().mapToLong(Long::longValue).sorted().toArray();
        return v.length == 0 ? Double.NaN : ms(v[Math.min(v.length - 1, (int) Math.ceil(p * v.length) - 1)]);
    }

    private static byte[] message(int index, int size) {
        return ByteBuffer.allocate(size).putInt(index).array();
    }

    // ---------------------------------------------------------------------------------------------
    // U-08: the second message when the first is lost

    private static void headOfLine() throws Exception {
        OUT.println();
        OUT.println("== U-08 head-of-line blocking: message 1 lost on purpose, message 2 sent 5 ms later (100 B each, 10 trials)");
        int trials = 10;
        try (Link link = open("delay=25ms,seed=7")) {
            // TCP: the server reads 100-byte messages and notes when each is complete
            ConcurrentHashMap<Integer, Long> arrived = new ConcurrentHashMap<>();
            ServerSocket listener = link.call(Link.Side.SERVER, () -> new ServerSocket(0, 1, Link.SERVER_ADDRESS));
            Thread.ofPlatform().daemon().start(() -> {
                try (Socket s = listener.accept(); InputStream in = s.getInputStream()) {
                    byte[] m;
                    while ((m = in.readNBytes(100)).length == 100) {
                        arrived.put(ByteBuffer.wrap(m).getInt(), System.nanoTime());
                    }
                } catch (IOException e) {
                    // over
                }
            });
            List<Long> tcpFirst = new ArrayList<>();
            List<Long> tcpSecond = new ArrayList<>();
            try (Socket client = link.call(Link.Side.CLIENT, () -> new Socket(Link.SERVER_ADDRESS, listener.getLocalPort()))) {
                client.setTcpNoDelay(true);
                OutputStream out = client.getOutputStream();
                for (int t = 0; t < trials; t++) {
                    Thread.sleep(300); // let the previous trial's retransmission and ACKs settle
                    link.dropNext(Link.Side.CLIENT, 1);
                    long sent1 = System.nanoTime();
                    out.write(message(2 * t, 100));
                    Thread.sleep(5);
                    long sent2 = System.nanoTime();
                    out.write(message(2 * t + 1, 100));
                    while (!arrived.containsKey(2 * t + 1)) {
                        Thread.sleep(1);
                    }
                    tcpFirst.add(arrived.get(2 * t) - sent1);
                    tcpSecond.add(arrived.get(2 * t + 1) - sent2);
                }
            }
            listener.close();
            // UDP: the same two datagrams
            List<Long> udpSecond = new ArrayList<>();
            int udpFirstLost = 0;
            DatagramSocket server = link.call(Link.Side.SERVER, () -> new DatagramSocket(new InetSocketAddress(Link.SERVER_ADDRESS, 0)));
            DatagramSocket client = link.call(Link.Side.CLIENT, () -> new DatagramSocket(new InetSocketAddress(Link.CLIENT_ADDRESS, 0)));
            try (server; client) {
                server.setSoTimeout(2_000);
                for (int t = 0; t < trials; t++) {
                    link.dropNext(Link.Side.CLIENT, 1);
                    client.send(new DatagramPacket(message(1, 100), 100, server.getLocalSocketAddress()));
                    Thread.sleep(5);
                    long sent2 = System.nanoTime();
                    client.send(new DatagramPacket(message(2, 100), 100, server.getLocalSocketAddress()));
                    DatagramPacket p = new DatagramPacket(new byte[100], 100);
                    server.receive(p);
                    udpSecond.add(System.nanoTime() - sent2);
                    if (ByteBuffer.wrap(p.getData()).getInt() == 2) {
                        udpFirstLost++;
                    }
                }
            }
            OUT.printf("TCP: message 2 arrives after %.1f ms (median; max %.1f), held behind message 1, which arrives after %.1f ms (its retransmission)%n",
                    median(tcpSecond), percentile(tcpSecond, 1), median(tcpFirst));
            OUT.printf("UDP: message 2 arrives after %.1f ms (median; max %.1f); message 1 is gone for good (%d of %d)%n",
                    median(udpSecond), percentile(udpSecond, 1), udpFirstLost, trials);
            OUT.printf("ratio TCP/UDP for message 2: %.1fx%n", median(tcpSecond) / median(udpSecond));
        }
    }

    private static void lossyStream() throws Exception {
        OUT.println();
        OUT.println("== U-08 a stream of 300 messages of 100 B, one every 10 ms, 2% random loss: one-way latency");
        String spec = "delay=25ms,loss=2%,seed=7";
        List<Long> tcp = new ArrayList<>();
        try (Link link = open(spec)) {
            long[] sentAt = new long[300];
            long[] arrivedAt = new long[300];
            ServerSocket listener = link.call(Link.Side.SERVER, () -> new ServerSocket(0, 1, Link.SERVER_ADDRESS));
            Thread reader = Thread.ofPlatform().daemon().start(() -> {
                try (Socket s = listener.accept(); InputStream in = s.getInputStream()) {
                    byte[] m;
                    while ((m = in.readNBytes(100)).length == 100) {
                        arrivedAt[ByteBuffer.wrap(m).getInt()] = System.nanoTime();
                    }
                } catch (IOException e) {
                    // over
                }
            });
            try (Socket client = link.call(Link.Side.CLIENT, () -> new Socket(Link.SERVER_ADDRESS, listener.getLocalPort()))) {
                client.setTcpNoDelay(true);
                for (int i = 0; i < 300; i++) {
                    sentAt[i] = System.nanoTime();
                    client.getOutputStream().write(message(i, 100));
                    Thread.sleep(10);
                }
                client.shutdownOutput();
                reader.join(30_000);
            }
            listener.close();
            for (int i = 0; i < 300; i++) {
                tcp.add(arrivedAt[i] - sentAt[i]);
            }
            OUT.println("TCP link: " + link.stats(Link.Side.CLIENT));
        }
        List<Long> udp = new ArrayList<>();
        try (Link link = open(spec)) {
            DatagramSocket server = link.call(Link.Side.SERVER, () -> new DatagramSocket(new InetSocketAddress(Link.SERVER_ADDRESS, 0)));
            DatagramSocket client = link.call(Link.Side.CLIENT, () -> new DatagramSocket(new InetSocketAddress(Link.CLIENT_ADDRESS, 0)));
            long[] sentAt = new long[300];
            try (server; client) {
                Future<?> reader = link.submit(Link.Side.SERVER, () -> {
                    server.setSoTimeout(1_000);
                    try {
                        while (true) {
                            DatagramPacket p = new DatagramPacket(new byte[100], 100);
                            server.receive(p);
                            int i = ByteBuffer.wrap(p.getData()).getInt();
                            synchronized (udp) {
                                udp.add(System.nanoTime() - sentAt[i]);
                            }
                        }
                    } catch (SocketTimeoutException done) {
                        return null;
                    }
                });
                for (int i = 0; i < 300; i++) {
                    sentAt[i] = System.nanoTime();
                    client.send(new DatagramPacket(message(i, 100), 100, server.getLocalSocketAddress()));
                    Thread.sleep(10);
                }
                reader.get();
            }
            OUT.println("UDP link: " + link.stats(Link.Side.CLIENT));
        }
        OUT.printf("TCP: 300 of 300 delivered; latency median %.1f ms, p95 %.1f, p99 %.1f, max %.1f%n",
                median(tcp), percentile(tcp, 0.95), percentile(tcp, 0.99), percentile(tcp, 1));
        OUT.printf("UDP: %d of 300 delivered; latency median %.1f ms, p95 %.1f, p99 %.1f, max %.1f%n",
                udp.size(), median(udp), percentile(udp, 0.95), percentile(udp, 0.99), percentile(udp, 1));
    }

    // ---------------------------------------------------------------------------------------------
    // U-08 (and lesson 04): requests over a lossy link, naive against stop-and-wait

    private static void udpRequests() throws Exception {
        OUT.println();
        OUT.println("== lesson 04: 100 requests, 10 ms one-way delay; naive client (one send, 200 ms bound) vs stop-and-wait (200 ms, 10 retries)");
        OUT.println("| loss | naive: answered | stop-and-wait: answered | sends | processed by the server |");
        OUT.println("|---|---|---|---|---|");
        for (String loss : List.of("1%", "5%", "10%", "20%")) {
            try (Link link = Link.open(LinkConfig.parse("delay=10ms,loss=" + loss + ",seed=7"))) {
                UdpServer server = link.call(Link.Side.SERVER,
                        () -> UdpServer.bind(new InetSocketAddress(Link.SERVER_ADDRESS, 0), true, 8192, new PrintStream(OutputStream.nullOutputStream())));
                Thread.ofPlatform().daemon().start(() -> {
                    try {
                        server.serve();
                    } catch (IOException e) {
                        // closed
                    }
                });
                int naive = 0;
                int fixed = 0;
                int sends = 0;
                long processedBefore;
                try (server; DatagramSocket socket = link.call(Link.Side.CLIENT, () -> {
                    DatagramSocket s = new DatagramSocket(new InetSocketAddress(Link.CLIENT_ADDRESS, 0));
                    s.connect(server.localAddress());
                    return s;
                })) {
                    socket.setSoTimeout(200);
                    for (int i = 0; i < 100; i++) {
                        try {
                            NaiveUdpClient.request(socket, ("naive " + i).getBytes());
                            naive++;
                        } catch (SocketTimeoutException lost) {
                            // counted by not counting
                        }
                    }
                    processedBefore = server.processed();
                    UdpClient client = new UdpClient(socket, Duration.ofMillis(200), 10);
                    for (int i = 0; i < 100; i++) {
                        try {
                            UdpClient.Answer a = client.request(("fixed " + i).getBytes());
                            fixed++;
                            sends += a.attempts();
                        } catch (SocketTimeoutException lost) {
                            sends += 11;
                        }
                    }
                    OUT.printf("| %s (seed 7) | %d of 100 | %d of 100 | %d | %d |%n", loss, naive, fixed, sends,
                            server.processed() - processedBefore);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Nagle and delayed ACK: write-write-read

    private static void nagle() throws Exception {
        OUT.println();
        OUT.println("== Nagle + delayed ACK: 30 requests of a 10-byte header and a 100-byte body (two writes), 1-byte reply; 25 ms one-way");
        try (Link link = open("delay=25ms,seed=7")) {
            ServerSocket listener = link.call(Link.Side.SERVER, () -> new ServerSocket(0, 4, Link.SERVER_ADDRESS));
            Thread.ofPlatform().daemon().start(() -> {
                while (true) {
                    try {
                        Socket s = listener.accept();
                        Thread.ofPlatform().daemon().start(() -> {
                            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                                while (in.readNBytes(110).length == 110) {
                                    out.write(1);
                                }
                            } catch (IOException e) {
                                // over
                            }
                        });
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            double[] medians = new double[2];
            for (boolean noDelay : new boolean[] {false, true}) {
                List<Long> times = new ArrayList<>();
                try (Socket s = link.call(Link.Side.CLIENT, () -> new Socket(Link.SERVER_ADDRESS, listener.getLocalPort()))) {
                    s.setTcpNoDelay(noDelay);
                    s.setSoTimeout(10_000);
                    OutputStream out = s.getOutputStream();
                    InputStream in = s.getInputStream();
                    for (int i = 0; i < 30; i++) {
                        long start = System.nanoTime();
                        out.write(new byte[10]);
                        out.write(new byte[100]);
                        if (in.read() != 1) {
                            throw new IOException("no reply");
                        }
                        times.add(System.nanoTime() - start);
                    }
                }
                medians[noDelay ? 1 : 0] = median(times);
                OUT.printf("TCP_NODELAY %-5s: per request median %.1f ms, p90 %.1f, max %.1f (round trip 50 ms)%n", noDelay,
                        median(times), percentile(times, 0.9), percentile(times, 1));
            }
            OUT.printf("ratio Nagle/no delay: %.2fx%n", medians[0] / medians[1]);
            listener.close();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Bandwidth-delay product: throughput against SO_RCVBUF, and F-08's read buffer

    private static void bandwidthDelay() throws Exception {
        OUT.println();
        OUT.println("== bandwidth-delay product: 100 Mbit/s, 25 ms one-way (BDP 625 KB); 3 s of bulk data per row");
        OUT.println("| receiver SO_RCVBUF | read buffer | Mbit/s | window / RTT would allow |");
        OUT.println("|---|---|---|---|");
        try (Link link = open("delay=25ms,rate=100mbit,queue=1000,seed=7")) {
            int[][] rows = {{16 << 10, 8192}, {64 << 10, 8192}, {256 << 10, 8192}, {1 << 20, 8192}, {0, 8192}, {0, 4096}, {0, 65536}};
            for (int[] row : rows) {
                int rcvbuf = row[0];
                int readBuffer = row[1];
                ServerSocket listener = link.call(Link.Side.SERVER, () -> {
                    ServerSocket l = new ServerSocket();
                    if (rcvbuf > 0) {
                        l.setReceiveBufferSize(rcvbuf); // before listen: the window scale is agreed in the handshake
                    }
                    l.bind(new InetSocketAddress(Link.SERVER_ADDRESS, 0), 1);
                    return l;
                });
                AtomicLong received = new AtomicLong();
                long[] window = new long[2];
                Thread reader = Thread.ofPlatform().daemon().start(() -> {
                    try (Socket s = listener.accept(); InputStream in = s.getInputStream()) {
                        byte[] b = new byte[readBuffer];
                        int n;
                        while ((n = in.read(b)) > 0) {
                            long now = System.nanoTime();
                            if (window[0] == 0) {
                                window[0] = now;
                            }
                            window[1] = now;
                            received.addAndGet(n);
                        }
                    } catch (IOException e) {
                        // over
                    }
                });
                try (Socket s = link.call(Link.Side.CLIENT, () -> new Socket(Link.SERVER_ADDRESS, listener.getLocalPort()))) {
                    OutputStream out = s.getOutputStream();
                    byte[] chunk = new byte[65536];
                    long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                    while (System.nanoTime() < end) {
                        out.write(chunk);
                    }
                    s.shutdownOutput();
                    s.setSoLinger(true, 0);
                }
                reader.join(2_000);
                listener.close();
                double seconds = (window[1] - window[0]) / 1e9;
                double mbit = received.get() * 8 / seconds / 1e6;
                String allows = rcvbuf == 0 ? "autotuned" : String.format("%.1f Mbit/s", rcvbuf * 8 / 0.05 / 1e6);
                OUT.printf("| %s | %d B | %.1f | %s |%n", rcvbuf == 0 ? "default (autotuning)" : (rcvbuf >> 10) + " KiB",
                        readBuffer, mbit, allows);
            }
            OUT.println("link: " + link.stats(Link.Side.CLIENT));
        }
    }
}
