// fails: 3 | a repeated #ID was processed again
// Never remembers an answer: a repeated id is processed again every time. The answer is the same
// constant either way, so only the count of the work shows it.
package sockets.udp.exercises;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import sockets.cli.Programs;
import sockets.udp.Datagrams;

public final class UdpServer implements Programs.Server {

    private final DatagramChannel channel;
    private final int maxDatagram;
    private final PrintStream log;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closed;
    private final AtomicLong processed = new AtomicLong();
    private final Map<String, byte[]> replies = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
            return size() > 4096;
        }
    };

    private UdpServer(DatagramChannel channel, int maxDatagram, PrintStream log) {
        this.channel = channel;
        this.maxDatagram = maxDatagram;
        this.log = log;
    }

    public static UdpServer bind(InetSocketAddress address, int maxDatagram, PrintStream log) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        channel.bind(address);
        return new UdpServer(channel, maxDatagram, log);
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.socket().getLocalSocketAddress();
    }

    @Override
    public void serve() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(maxDatagram + 1);
        try {
            while (!closed) {
                buffer.clear();
                SocketAddress from = channel.receive(buffer);
                buffer.flip();
                if (buffer.remaining() > maxDatagram) {
                    log.println(from + ": datagram larger than " + maxDatagram + " bytes; dropped");
                    continue;
                }
                byte[] request = new byte[buffer.remaining()];
                buffer.get(request);
                byte[] reply = replyTo(from, request);
                try {
                    channel.send(ByteBuffer.wrap(reply), from);
                } catch (IOException e) {
                    log.println(from + ": could not reply: " + e.getMessage());
                }
            }
        } catch (IOException e) {
            if (!closed) {
                throw e;
            }
        } finally {
            stopped.countDown();
        }
    }

    private byte[] replyTo(SocketAddress from, byte[] request) {
        long id = Datagrams.requestId(request);
        if (id < 0) {
            return process(request);
        }
        return Datagrams.withId(id, process(request)); // the mistake: a duplicate is processed again, not answered from memory
    }

    /** The work a request asks for: counted; call it once per request, never for a repeat. */
    private byte[] process(byte[] request) {
        processed.incrementAndGet();
        return "Got your message!".getBytes(StandardCharsets.US_ASCII);
    }

    long processed() {
        return processed.get();
    }

    @Override
    public void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to do about it
        }
    }

    @Override
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
