package sockets.raw;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The few C library calls a raw socket needs, bound with the Foreign Function &amp; Memory API
 * ({@code java.lang.foreign}, final since JDK 22): no JNI, no native code to build. Each call that
 * can fail captures {@code errno} right after it returns ({@link Linker.Option#captureCallState}),
 * because anything the JVM does afterwards may overwrite it. Linux only; the constants are Linux's.
 */
@SuppressWarnings("restricted") // calling C is the point of this class; run with --enable-native-access
final class LibC {

    static final int AF_INET = 2;
    static final int AF_PACKET = 17;
    static final int SOCK_RAW = 3;
    static final int IPPROTO_ICMP = 1;
    static final int ETH_P_ALL = 0x0003;
    static final int SOL_SOCKET = 1;
    static final int SO_RCVTIMEO = 20;
    static final int EPERM = 1;
    static final int EAGAIN = 11;
    static final int EINTR = 4;
    static final int EACCES = 13;
    static final int ENODEV = 19;
    static final int EBADF = 9;

    // The link in a box (Tun, Namespace): a TUN device and a network namespace, from <linux/if_tun.h>,
    // <fcntl.h>, <poll.h> and <sched.h>.
    static final int O_RDWR = 2;
    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 0x80000;
    static final long TUNSETIFF = 0x400454caL;
    static final short IFF_TUN = 0x0001;
    static final short IFF_NO_PI = 0x1000;
    static final int IFNAMSIZ = 16;
    /** {@code struct ifreq}: the name, then a union whose first member here is {@code short ifr_flags}. */
    static final long IFREQ_SIZE = 40;
    static final long IFREQ_FLAGS = 16;
    static final short POLLIN = 0x0001;
    static final int CLONE_NEWNET = 0x40000000;

    // tag::sockaddr-ll[]
    /** {@code struct sockaddr_ll} from {@code <linux/if_packet.h>}: 20 bytes. */
    static final StructLayout SOCKADDR_LL = MemoryLayout.structLayout(
            ValueLayout.JAVA_SHORT.withName("sll_family"),       // AF_PACKET, host order
            ValueLayout.JAVA_SHORT.withName("sll_protocol"),     // ethertype, network order
            ValueLayout.JAVA_INT.withName("sll_ifindex"),        // interface index
            ValueLayout.JAVA_SHORT.withName("sll_hatype"),
            ValueLayout.JAVA_BYTE.withName("sll_pkttype"),       // 0 to us, 4 sent by us (PACKET_OUTGOING) ...
            ValueLayout.JAVA_BYTE.withName("sll_halen"),
            MemoryLayout.sequenceLayout(8, ValueLayout.JAVA_BYTE).withName("sll_addr"));
    // end::sockaddr-ll[]

    /** {@code struct sockaddr_in}: 16 bytes. */
    static final StructLayout SOCKADDR_IN = MemoryLayout.structLayout(
            ValueLayout.JAVA_SHORT.withName("sin_family"),
            ValueLayout.JAVA_SHORT.withName("sin_port"),
            MemoryLayout.sequenceLayout(4, ValueLayout.JAVA_BYTE).withName("sin_addr"),
            MemoryLayout.sequenceLayout(8, ValueLayout.JAVA_BYTE).withName("sin_zero"));

    /** {@code struct timeval} on 64-bit Linux. */
    static final StructLayout TIMEVAL = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("tv_sec"), ValueLayout.JAVA_LONG.withName("tv_usec"));

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong SIZE = ValueLayout.JAVA_LONG;
    private static final AddressLayout PTR = ValueLayout.ADDRESS;

    static final MethodHandle SOCKET = capturing("socket", FunctionDescriptor.of(INT, INT, INT, INT));
    static final MethodHandle BIND = capturing("bind", FunctionDescriptor.of(INT, INT, PTR, INT));
    static final MethodHandle SENDTO = capturing("sendto", FunctionDescriptor.of(SIZE, INT, PTR, SIZE, INT, PTR, INT));
    static final MethodHandle RECVFROM = capturing("recvfrom", FunctionDescriptor.of(SIZE, INT, PTR, SIZE, INT, PTR, PTR));
    static final MethodHandle SETSOCKOPT = capturing("setsockopt", FunctionDescriptor.of(INT, INT, INT, INT, PTR, INT));
    static final MethodHandle IF_NAMETOINDEX = capturing("if_nametoindex", FunctionDescriptor.of(INT, PTR));
    static final MethodHandle CLOSE = capturing("close", FunctionDescriptor.of(INT, INT));
    static final MethodHandle OPEN = capturing("open", FunctionDescriptor.of(INT, PTR, INT));
    static final MethodHandle READ = capturing("read", FunctionDescriptor.of(SIZE, INT, PTR, SIZE));
    static final MethodHandle WRITE = capturing("write", FunctionDescriptor.of(SIZE, INT, PTR, SIZE));
    /** {@code int ioctl(int fd, unsigned long request, ...)}: variadic after the request. */
    static final MethodHandle IOCTL = LINKER.downcallHandle(find("ioctl"),
            FunctionDescriptor.of(INT, INT, SIZE, PTR), CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    /** {@code int poll(struct pollfd *fds, nfds_t nfds, int timeout)}; one pollfd is 8 bytes. */
    static final MethodHandle POLL = capturing("poll", FunctionDescriptor.of(INT, PTR, SIZE, INT));
    static final MethodHandle SETNS = capturing("setns", FunctionDescriptor.of(INT, INT, INT));
    static final MethodHandle GETEUID = LINKER.downcallHandle(find("geteuid"), FunctionDescriptor.of(INT));
    static final MethodHandle STRERROR = LINKER.downcallHandle(find("strerror"),
            FunctionDescriptor.of(PTR.withTargetLayout(MemoryLayout.sequenceLayout(256, ValueLayout.JAVA_BYTE)), INT));

    private LibC() {
    }

    private static MemorySegment find(String name) {
        return LIBC.find(name).orElseThrow(() -> new UnsupportedOperationException("the C library has no " + name));
    }

    /** A downcall whose first argument is the call-state segment that receives errno. */
    private static MethodHandle capturing(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(find(name), descriptor, CAPTURE_ERRNO);
    }

    static int errno(MemorySegment callState) {
        return (int) ERRNO.get(callState, 0L);
    }

    static MemorySegment newCallState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    /** The C library's description of an errno value. */
    static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.getString(0);
        } catch (Throwable e) {
            return "errno " + errno;
        }
    }

    /** C's htons: a 16-bit value in network (big-endian) order, as the native int the call expects. */
    static short htons(int value) {
        return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? Short.reverseBytes((short) value) : (short) value;
    }
}
