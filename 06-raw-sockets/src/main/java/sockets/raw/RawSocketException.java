package sockets.raw;

import java.io.IOException;

/** A raw-socket call failed; the message says what to do about it where something can be done. */
public final class RawSocketException extends IOException {

    static final String HOW_TO_GET_CAP_NET_RAW = "raw sockets need the CAP_NET_RAW capability: run as root; or give it"
            + " to the java binary (sudo setcap cap_net_raw+ep \"$(readlink -f \"$(command -v java)\")\"); or run in a"
            + " user and network namespace of your own (unshare -rn sh -c 'ip link set lo up; java ...')";

    private final int errno;

    RawSocketException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    /** The C library's errno for the failed call, or 0 when the failure was found in Java. */
    public int errno() {
        return errno;
    }

    public boolean permissionDenied() {
        return errno == LibC.EPERM || errno == LibC.EACCES;
    }

    static RawSocketException of(String call, int errno) {
        String reason = call + " failed: " + LibC.strerror(errno);
        if (errno == LibC.EPERM || errno == LibC.EACCES) {
            return new RawSocketException(reason + "; " + HOW_TO_GET_CAP_NET_RAW, errno);
        }
        return new RawSocketException(reason, errno);
    }
}
