package sockets.raw;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import sockets.cli.Timeouts;

/**
 * A TUN device: a network interface whose "wire" is this object. Every IPv4 packet the kernel
 * routes out of the interface is returned by {@link #read}, and every packet given to
 * {@link #write} arrives at the kernel as if it had come in on the interface. One {@code open} of
 * {@code /dev/net/tun} and one {@code ioctl(TUNSETIFF)} with {@code IFF_TUN | IFF_NO_PI} (bare IP
 * packets, no extra header) make it; closing the descriptor removes the interface. Linux only;
 * needs CAP_NET_ADMIN.
 */
public final class Tun implements AutoCloseable {

    private final int fd;
    private final String name;
    /** Held (shared) by every call that uses {@link #fd}, exclusively by {@link #close()}. */
    private final ReentrantReadWriteLock use = new ReentrantReadWriteLock();
    private volatile boolean closed;

    private Tun(int fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    // tag::tun-open[]
    /** Creates a TUN interface; {@code name} empty lets the kernel pick one ({@code tun0}, ...). */
    public static Tun open(String name) throws RawSocketException {
        if (name.length() >= LibC.IFNAMSIZ) {
            throw new IllegalArgumentException("an interface name has at most 15 characters: " + name);
        }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = LibC.newCallState(call);
            int fd = (int) LibC.OPEN.invokeExact(state, call.allocateFrom("/dev/net/tun"), LibC.O_RDWR | LibC.O_CLOEXEC);
            if (fd < 0) {
                throw RawSocketException.of("open(/dev/net/tun)", LibC.errno(state));
            }
            MemorySegment ifreq = call.allocate(LibC.IFREQ_SIZE); // zero-filled
            ifreq.setString(0, name);
            ifreq.set(ValueLayout.JAVA_SHORT, LibC.IFREQ_FLAGS, (short) (LibC.IFF_TUN | LibC.IFF_NO_PI));
            int rc = (int) LibC.IOCTL.invokeExact(state, fd, LibC.TUNSETIFF, ifreq);
            if (rc < 0) {
                int errno = LibC.errno(state);
                int ignored = (int) LibC.CLOSE.invokeExact(state, fd);
                throw RawSocketException.of("ioctl(TUNSETIFF)", errno);
            }
            return new Tun(fd, ifreq.getString(0)); // the kernel writes back the name it chose
        } catch (RawSocketException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("calling the C library failed", e);
        }
    }
    // end::tun-open[]

    /** The interface's name, as {@code ip link} shows it. */
    public String name() {
        return name;
    }

    /**
     * Reads one packet into {@code buffer}; returns its length, or 0 when none came within
     * {@code timeout}. A packet longer than the buffer is cut to its length, as {@code read} does.
     */
    public int read(byte[] buffer, Duration timeout) throws IOException {
        int millis = Timeouts.millis(timeout);
        use.readLock().lock();
        try (Arena call = Arena.ofConfined()) {
            requireOpen();
            MemorySegment state = LibC.newCallState(call);
            MemorySegment pollfd = call.allocate(8);
            pollfd.set(ValueLayout.JAVA_INT, 0, fd);
            pollfd.set(ValueLayout.JAVA_SHORT, 4, LibC.POLLIN);
            int ready = (int) LibC.POLL.invokeExact(state, pollfd, 1L, millis);
            if (ready < 0) {
                int errno = LibC.errno(state);
                if (errno == LibC.EINTR) {
                    return 0;
                }
                throw RawSocketException.of("poll on " + name, errno);
            }
            if (ready == 0) {
                return 0;
            }
            MemorySegment bytes = call.allocate(buffer.length);
            long n = (long) LibC.READ.invokeExact(state, fd, bytes, (long) buffer.length);
            if (n < 0) {
                int errno = LibC.errno(state);
                if (errno == LibC.EINTR || errno == LibC.EAGAIN) {
                    return 0;
                }
                throw RawSocketException.of("read from " + name, errno);
            }
            MemorySegment.copy(bytes, ValueLayout.JAVA_BYTE, 0, buffer, 0, (int) n);
            return (int) n;
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("calling the C library failed", e);
        } finally {
            use.readLock().unlock();
        }
    }

    /** Hands one whole packet to the kernel, as if it had arrived on this interface. */
    public void write(byte[] packet, int length) throws IOException {
        use.readLock().lock();
        try (Arena call = Arena.ofConfined()) {
            requireOpen();
            MemorySegment state = LibC.newCallState(call);
            MemorySegment bytes = call.allocate(Math.max(1, length));
            MemorySegment.copy(packet, 0, bytes, ValueLayout.JAVA_BYTE, 0, length);
            long n = (long) LibC.WRITE.invokeExact(state, fd, bytes, (long) length);
            if (n < 0) {
                throw RawSocketException.of("write to " + name, LibC.errno(state));
            }
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("calling the C library failed", e);
        } finally {
            use.readLock().unlock();
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("TUN device closed");
        }
    }

    /** Closes the descriptor (the interface goes with it), after calls in progress return. */
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
                // best effort; the descriptor goes with the process at the latest
            }
        } finally {
            use.writeLock().unlock();
        }
    }
}
