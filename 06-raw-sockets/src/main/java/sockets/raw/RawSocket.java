package sockets.raw;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import sockets.cli.Timeouts;

/**
 * A Linux raw socket: {@code AF_PACKET/SOCK_RAW} for whole Ethernet frames on one interface, or
 * {@code AF_INET/SOCK_RAW} for ICMP. Built on {@link LibC}; {@link AutoCloseable}, so the
 * descriptor is closed by try-with-resources, and every failure is a {@link RawSocketException}
 * that says what went wrong (no privilege, no such interface).
 */
public final class RawSocket implements AutoCloseable {

    /** {@code sll_pkttype} of a frame this host sent, as {@code lo} shows it a second time. */
    public static final int PACKET_OUTGOING = 4;

    /** One frame or packet received; {@code packetType} is -1 for an {@code AF_INET} socket. */
    public record Received(byte[] bytes, int packetType) {
    }

    private final Arena arena;
    private final int fd;
    private final int family;
    private final MemorySegment linkAddress; // sockaddr_ll of the interface, for AF_PACKET sends
    /**
     * Held (shared) by every call that uses {@link #fd}, and exclusively by {@link #close()}: once
     * closed, the number may be reused by the next socket or file the process opens, so no call may
     * still be about to pass it to the kernel.
     */
    private final ReentrantReadWriteLock use = new ReentrantReadWriteLock();
    private volatile boolean closed;

    private RawSocket(Arena arena, int fd, int family, MemorySegment linkAddress) {
        this.arena = arena;
        this.fd = fd;
        this.family = family;
        this.linkAddress = linkAddress;
    }

    // tag::open-packet[]
    /**
     * Opens a socket for Ethernet frames on {@code iface} with the given ethertype; it receives only
     * frames of that ethertype ({@code 0x0003}, ETH_P_ALL, for all of them). With 0, it receives
     * nothing at all (the seed's {@code socket(AF_PACKET, SOCK_RAW)}, BUG-34): fine to send, useless
     * to capture.
     */
    public static RawSocket packet(String iface, int ethertype) throws RawSocketException {
        requireLinux();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = LibC.newCallState(call);
            int index = (int) LibC.IF_NAMETOINDEX.invokeExact(state, call.allocateFrom(iface));
            if (index == 0) {
                throw new RawSocketException("no such network interface: " + iface + " (list them with: ip link)", LibC.errno(state));
            }
            int fd = (int) LibC.SOCKET.invokeExact(state, LibC.AF_PACKET, LibC.SOCK_RAW, (int) LibC.htons(ethertype));
            if (fd < 0) {
                throw RawSocketException.of("socket(AF_PACKET, SOCK_RAW)", LibC.errno(state));
            }
            Arena arena = Arena.ofShared();
            MemorySegment sll = arena.allocate(LibC.SOCKADDR_LL); // zero-filled
            RawSocket socket = new RawSocket(arena, fd, LibC.AF_PACKET, sll);
            sll.set(ValueLayout.JAVA_SHORT, offset("sll_family"), (short) LibC.AF_PACKET);
            sll.set(ValueLayout.JAVA_SHORT, offset("sll_protocol"), LibC.htons(ethertype));
            sll.set(ValueLayout.JAVA_INT, offset("sll_ifindex"), index);
            int rc = (int) LibC.BIND.invokeExact(state, fd, sll, (int) LibC.SOCKADDR_LL.byteSize());
            if (rc != 0) {
                int errno = LibC.errno(state);
                socket.close();
                throw RawSocketException.of("bind to " + iface, errno);
            }
            return socket;
        } catch (RawSocketException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("calling the C library failed", e);
        }
    }
    // end::open-packet[]

    /** Opens {@code AF_INET/SOCK_RAW/IPPROTO_ICMP}: send ICMP messages, receive them with their IPv4 header. */
    public static RawSocket icmp() throws RawSocketException {
        requireLinux();
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = LibC.newCallState(call);
            int fd = (int) LibC.SOCKET.invokeExact(state, LibC.AF_INET, LibC.SOCK_RAW, LibC.IPPROTO_ICMP);
            if (fd < 0) {
                throw RawSocketException.of("socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)", LibC.errno(state));
            }
            return new RawSocket(Arena.ofShared(), fd, LibC.AF_INET, null);
        } catch (RawSocketException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("calling the C library failed", e);
        }
    }

    static long offset(String field) {
        return LibC.SOCKADDR_LL.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    /** Sends one whole Ethernet frame (destination MAC first) on the bound interface. */
    public void send(byte[] frame) throws RawSocketException {
        if (family != LibC.AF_PACKET) {
            throw new IllegalStateException("send(frame) is for AF_PACKET sockets; use sendTo");
        }
        use.readLock().lock();
        try {
            requireOpen();
            sendto(frame, linkAddress);
        } finally {
            use.readLock().unlock();
        }
    }

    /** Sends one ICMP message (no IPv4 header: the kernel adds it) to {@code to}. */
    public void sendTo(byte[] message, Inet4Address to) throws RawSocketException {
        use.readLock().lock();
        try (Arena call = Arena.ofConfined()) {
            requireOpen();
            MemorySegment sin = call.allocate(LibC.SOCKADDR_IN);
            sin.set(ValueLayout.JAVA_SHORT, 0, (short) LibC.AF_INET);
            MemorySegment.copy(to.getAddress(), 0, sin, ValueLayout.JAVA_BYTE, 4, 4);
            sendto(message, sin);
        } finally {
            use.readLock().unlock();
        }
    }

    private void sendto(byte[] bytes, MemorySegment address) throws RawSocketException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = LibC.newCallState(call);
            MemorySegment buffer = call.allocateFrom(ValueLayout.JAVA_BYTE, bytes);
            long sent = (long) LibC.SENDTO.invokeExact(state, fd, buffer, (long) bytes.length, 0, address, (int) address.byteSize());
            if (sent < 0) {
                throw RawSocketException.of("sendto", LibC.errno(state));
            }
        } catch (RawSocketException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("calling the C library failed", e);
        }
    }

    /** The longest one kernel wait lasts: what {@link #close()} may wait for a receive in progress. */
    static final Duration SLICE = Duration.ofMillis(100);

    // tag::receive[]
    /**
     * Receives one frame (or packet), or returns null if none comes within {@code timeout}. The
     * wait is made of kernel waits of at most {@link #SLICE} (100 ms), so {@link #close()} from
     * another thread, and an interrupt, end it within one slice: after a close it throws "socket
     * closed", after an interrupt it returns null with the thread's interrupt flag still set. A
     * timeout under 1 ms is 1 ms: a {@code timeval} of {0, 0} would mean "wait for ever".
     */
    public Received receive(int maxBytes, Duration timeout) throws RawSocketException {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, was " + maxBytes);
        }
        long deadline = Timeouts.deadline(timeout);
        while (true) {
            Duration wait = Duration.ofNanos(Math.min(deadline - System.nanoTime(), SLICE.toNanos()));
            if (wait.isNegative() || wait.isZero() || Thread.currentThread().isInterrupted()) {
                return null; // the timeout passed (or an interrupt asked this thread to stop)
            }
            Received got = receiveOnce(maxBytes, wait); // holds off close() for one slice at most
            if (got != null) {
                return got;
            }
        }
    }

    private Received receiveOnce(int maxBytes, Duration wait) throws RawSocketException {
        use.readLock().lock();
        try (Arena call = Arena.ofConfined()) {
            requireOpen();
            MemorySegment state = LibC.newCallState(call);
            MemorySegment tv = call.allocate(LibC.TIMEVAL);
            long micros = Timeouts.millis(wait) * 1000L; // at least 1 ms: never {0, 0}
            tv.set(ValueLayout.JAVA_LONG, 0, micros / 1_000_000);
            tv.set(ValueLayout.JAVA_LONG, 8, micros % 1_000_000);
            int rc = (int) LibC.SETSOCKOPT.invokeExact(state, fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, tv, (int) tv.byteSize());
            if (rc != 0) {
                throw RawSocketException.of("setsockopt(SO_RCVTIMEO)", LibC.errno(state));
            }
            MemorySegment buffer = call.allocate(maxBytes);
            MemorySegment from = call.allocate(LibC.SOCKADDR_LL); // large enough for sockaddr_in too
            MemorySegment fromLength = call.allocateFrom(ValueLayout.JAVA_INT, (int) from.byteSize());
            long n;
            int errno = 0;
            do { // a signal (EINTR) interrupts the wait without anything being wrong: wait again
                n = (long) LibC.RECVFROM.invokeExact(state, fd, buffer, (long) maxBytes, 0, from, fromLength);
                errno = n < 0 ? LibC.errno(state) : 0;
            } while (n < 0 && errno == LibC.EINTR);
            if (n < 0) {
                if (errno == LibC.EAGAIN) {
                    return null; // this slice passed
                }
                throw RawSocketException.of("recvfrom", errno);
            }
            int type = family == LibC.AF_PACKET ? from.get(ValueLayout.JAVA_BYTE, offset("sll_pkttype")) : -1;
            return new Received(buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), type);
        } catch (RawSocketException | RuntimeException e) {
            throw e; // "socket closed" among them: it must not turn into a failed C call
        } catch (Throwable e) {
            throw new IllegalStateException("calling the C library failed", e);
        } finally {
            use.readLock().unlock();
        }
    }
    // end::receive[]

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("socket closed");
        }
    }

    private static void requireLinux() throws RawSocketException {
        String os = System.getProperty("os.name", "");
        if (!os.startsWith("Linux")) {
            throw new RawSocketException("raw sockets in this lesson use Linux's AF_PACKET; this is " + os
                    + " (BSD and macOS use BPF, Windows needs Npcap)", 0);
        }
    }

    /** Closes the descriptor, after waiting for calls in progress (a receive for one slice, 100 ms, at most). */
    @Override
    public void close() {
        use.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try (Arena call = Arena.ofConfined()) {
                int ignored = (int) LibC.CLOSE.invokeExact(LibC.newCallState(call), fd);
            } catch (Throwable e) {
                // closing is best effort; the descriptor is gone with the process at the latest
            }
            arena.close();
        } finally {
            use.writeLock().unlock();
        }
    }
}
