package sockets.select;

import java.util.concurrent.atomic.AtomicLong;

/** What {@link SelectEchoServer} has done so far, for tests and for anyone watching it. */
final class Counters {

    private final AtomicLong read = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong mostPending = new AtomicLong();
    private final AtomicLong mostPendingHeap = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong acceptFailures = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong sweeps = new AtomicLong();
    private final AtomicLong wakeups = new AtomicLong();

    void moved(long bytesRead, long bytesWritten) {
        read.addAndGet(bytesRead);
        written.addAndGet(bytesWritten);
    }

    void pending(long bytes, long heapBytes) {
        mostPending.accumulateAndGet(bytes, Math::max);
        mostPendingHeap.accumulateAndGet(heapBytes, Math::max);
    }

    void opened() {
        connections.incrementAndGet();
    }

    void closed() {
        connections.decrementAndGet();
    }

    void acceptFailed() {
        acceptFailures.incrementAndGet();
    }

    void refusedOne() {
        refused.incrementAndGet();
    }

    void wokeUp() {
        wakeups.incrementAndGet();
    }

    void swept() {
        sweeps.incrementAndGet();
    }

    /** Bytes read from clients, each owed back as echo; equal to {@link #bytesWritten()} once drained. */
    long bytesRead() {
        return read.get();
    }

    long bytesWritten() {
        return written.get();
    }

    /** The largest amount of unsent echo any one connection has held. */
    long mostPendingBytes() {
        return mostPending.get();
    }

    /** The most heap any one connection's unsent echo has taken, counted in whole buffers. */
    long mostPendingHeapBytes() {
        return mostPendingHeap.get();
    }

    long openConnections() {
        return connections.get();
    }

    long acceptFailures() {
        return acceptFailures.get();
    }

    long refusedConnections() {
        return refused.get();
    }

    /** How often the loop has come back from select(): once per batch of events, or per second idle. */
    long wakeups() {
        return wakeups.get();
    }

    /** How often the once-a-second sweep has looked at every connection. */
    long sweeps() {
        return sweeps.get();
    }
}
