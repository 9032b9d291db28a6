package sockets.udp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP relay for one client that misbehaves like a bad network, by a fixed rule, so that loss,
 * duplication and reordering happen the same way on every run. The client sends to the relay's
 * port; the relay forwards to the server and the server's answers back, dropping, doubling or
 * holding back datagrams as the rule says. For tests and demos, on loopback.
 */
public final class LossyRelay implements AutoCloseable {

    /** What to do with one datagram. {@code HOLD} sends it after the next one in the same direction. */
    public enum Action { PASS, DROP, DUPLICATE, HOLD }

    public enum Direction { TO_SERVER, TO_CLIENT }

    /** Decides for the n-th datagram (from 0) in each direction. */
    @FunctionalInterface
    public interface Rule {
        Action decide(Direction direction, long index);

        /** Drops the datagrams at these positions in one direction; passes everything else. */
        static Rule drop(Direction direction, long... indexes) {
            return at(direction, Action.DROP, indexes);
        }

        static Rule at(Direction direction, Action action, long... indexes) {
            return (d, i) -> d == direction && java.util.Arrays.stream(indexes).anyMatch(x -> x == i) ? action : Action.PASS;
        }

        /** Drops and duplicates at the given rates, in both directions, from a seeded random sequence. */
        static Rule seeded(long seed, double dropRate, double duplicateRate) {
            Random random = new Random(seed);
            return (d, i) -> {
                double r = random.nextDouble();
                return r < dropRate ? Action.DROP : r < dropRate + duplicateRate ? Action.DUPLICATE : Action.PASS;
            };
        }
    }

    private final DatagramChannel front;
    private final DatagramChannel back;
    private final Selector selector;
    private final Rule rule;
    private final Thread thread;
    private final long[] counts = new long[2];
    private final ByteBuffer[] held = new ByteBuffer[2];
    private volatile SocketAddress client;
    public final AtomicLong dropped = new AtomicLong();
    public final AtomicLong duplicated = new AtomicLong();

    public LossyRelay(InetSocketAddress server, Rule rule) throws IOException {
        this.rule = rule;
        front = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        back = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).connect(server);
        front.configureBlocking(false);
        back.configureBlocking(false);
        selector = Selector.open();
        front.register(selector, SelectionKey.OP_READ);
        back.register(selector, SelectionKey.OP_READ);
        thread = Thread.ofPlatform().daemon(true).name("lossy-relay").start(this::run);
    }

    /** Where the client should send. */
    public InetSocketAddress address() throws IOException {
        return (InetSocketAddress) front.getLocalAddress();
    }

    private void run() {
        ByteBuffer buffer = ByteBuffer.allocate(Datagrams.LARGEST_PAYLOAD); // any datagram, IPv6's largest too: none is cut
        try {
            while (selector.isOpen()) {
                selector.select();
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key.channel() == front) {
                        buffer.clear();
                        SocketAddress from = front.receive(buffer);
                        if (from != null) {
                            client = from;
                            forward(Direction.TO_SERVER, buffer.flip());
                        }
                    } else {
                        buffer.clear();
                        if (back.receive(buffer) != null && client != null) {
                            forward(Direction.TO_CLIENT, buffer.flip());
                        }
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | ClosedSelectorException stopped) {
            // closed
        }
    }

    private void forward(Direction direction, ByteBuffer datagram) throws IOException {
        int d = direction.ordinal();
        ByteBuffer copy = ByteBuffer.allocate(datagram.remaining()).put(datagram).flip();
        Action action = rule.decide(direction, counts[d]++);
        switch (action) {
            case DROP -> dropped.incrementAndGet();
            case HOLD -> held[d] = copy;
            case PASS, DUPLICATE -> {
                send(direction, copy.duplicate());
                if (action == Action.DUPLICATE) {
                    duplicated.incrementAndGet();
                    send(direction, copy.duplicate());
                }
                if (held[d] != null) { // the held-back one arrives after this one: reordered
                    send(direction, held[d]);
                    held[d] = null;
                }
            }
        }
    }

    private void send(Direction direction, ByteBuffer datagram) throws IOException {
        if (direction == Direction.TO_SERVER) {
            back.write(datagram);
        } else {
            front.send(datagram, client);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        selector.close();
        front.close();
        back.close();
        thread.join(5_000);
    }
}
