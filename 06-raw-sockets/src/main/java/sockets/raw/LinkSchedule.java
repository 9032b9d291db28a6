package sockets.raw;

import java.util.ArrayDeque;
import java.util.Random;

/**
 * The rule of one direction of the link: for each packet, when it is delivered (once, twice, or
 * not at all). It holds no packets and reads no clock: the caller says when each packet came, so
 * the same seed and the same packets give the same decisions, which the tests replay.
 *
 * <p>In order: a packet longer than the MTU is dropped; then one draw decides loss; a packet that
 * would find the queue full (with a rate set) is dropped; it then leaves after the packets before
 * it, at the rate; it arrives after the delay plus a drawn share of the jitter, never before the
 * packet delivered before it, unless a draw picks it to be reordered: then it arrives as soon as
 * it has left, overtaking the delayed ones; a last draw delivers a copy as well.
 */
final class LinkSchedule {

    /** What happened to the packets of one direction so far. */
    record Stats(long packets, long delivered, long lost, long tooBig, long queueFull, long duplicated,
            long reordered, long cut, int largest) {
        @Override
        public String toString() {
            return packets + " packets: " + delivered + " delivered, " + lost + " lost, " + duplicated
                    + " duplicated, " + reordered + " reordered, " + queueFull + " dropped at a full queue, "
                    + tooBig + " over the MTU" + (cut > 0 ? ", " + cut + " dropped while cut" : "")
                    + "; largest " + largest + " bytes";
        }
    }

    private static final long[] DROPPED = {};

    private final LinkConfig config;
    private final Random random;
    private final ArrayDeque<Long> departures = new ArrayDeque<>(); // when each queued packet has left
    private long busyUntil = Long.MIN_VALUE;
    private long lastDelivery = Long.MIN_VALUE;
    private volatile boolean cutOff;
    private int dropNext;
    private long packets;
    private long delivered;
    private long lost;
    private long tooBig;
    private long queueFull;
    private long duplicated;
    private long reordered;
    private long cut;
    private int largest;

    LinkSchedule(LinkConfig config, long seed) {
        this.config = config;
        this.random = new Random(seed);
    }

    /** While cut, every packet is dropped (a peer that vanished: no FIN, no RST, nothing). */
    void cut(boolean cutOff) {
        this.cutOff = cutOff;
    }

    /** Loses the next {@code n} packets, whatever the draws say: a loss placed where a measurement needs it. */
    synchronized void dropNext(int n) {
        dropNext += n;
    }

    // tag::schedule[]
    /** When a packet of {@code size} bytes that came at {@code now} (ns) is delivered; empty if dropped. */
    synchronized long[] decide(int size, long now) {
        packets++;
        largest = Math.max(largest, size);
        // Every packet takes its four draws, dropped or not, so one decision does not shift the others.
        double lossDraw = random.nextDouble();
        double jitterDraw = random.nextDouble();
        double reorderDraw = random.nextDouble();
        double duplicateDraw = random.nextDouble();
        if (cutOff) {
            cut++;
            return DROPPED;
        }
        if (size > config.mtu()) {
            tooBig++;
            return DROPPED;
        }
        if (dropNext > 0 || lossDraw < config.loss()) {
            dropNext = Math.max(0, dropNext - 1);
            lost++;
            return DROPPED;
        }
        long left = now;
        if (config.rateBitsPerSecond() > 0) {
            while (!departures.isEmpty() && departures.peekFirst() <= now) {
                departures.removeFirst();
            }
            if (departures.size() >= config.queue()) {
                queueFull++;
                return DROPPED;
            }
            long transmit = size * 8L * 1_000_000_000L / config.rateBitsPerSecond();
            left = Math.max(now, busyUntil) + transmit;
            busyUntil = left;
            departures.addLast(left);
        }
        long arrives;
        if (reorderDraw < config.reorder()) {
            reordered++;
            arrives = left; // no delay: it overtakes the packets still held
        } else {
            arrives = left + config.delay().toNanos() + (long) (jitterDraw * config.jitter().toNanos());
            arrives = Math.max(arrives, lastDelivery); // jitter alone keeps the order, as most links do
            lastDelivery = arrives;
        }
        delivered++;
        if (duplicateDraw < config.duplicate()) {
            duplicated++;
            return new long[] {arrives, arrives};
        }
        return new long[] {arrives};
    }
    // end::schedule[]

    synchronized Stats stats() {
        return new Stats(packets, delivered, lost, tooBig, queueFull, duplicated, reordered, cut, largest);
    }
}
