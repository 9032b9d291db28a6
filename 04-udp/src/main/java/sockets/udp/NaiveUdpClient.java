package sockets.udp;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/**
 * Deliberately wrong: UDP clients that treat the network as reliable. Kept so the tests and the
 * demo can show them failing; use {@link UdpClient}.
 */
public final class NaiveUdpClient {

    private NaiveUdpClient() {
    }

    // tag::wait-forever[]
    /** Deliberately wrong: sends once and waits, with no timeout, for an answer that may never come. */
    public static byte[] request(DatagramSocket socket, byte[] body) throws IOException {
        socket.send(new DatagramPacket(body, body.length));
        byte[] buffer = new byte[8192];
        DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
        socket.receive(reply); // blocks for ever if the request or the answer was lost
        return Arrays.copyOf(reply.getData(), reply.getLength());
    }
    // end::wait-forever[]

    // tag::blind-retry[]
    /**
     * Deliberately wrong: retries on timeout, but without a request id. The server cannot tell a
     * retransmission from a new request and processes it again; the client cannot tell a late
     * answer to the last request from the answer to this one.
     */
    public static byte[] requestWithBlindRetries(DatagramSocket socket, byte[] body, int retries) throws IOException {
        byte[] buffer = new byte[8192];
        for (int attempt = 0; attempt <= retries; attempt++) {
            socket.send(new DatagramPacket(body, body.length));
            DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(reply); // needs setSoTimeout on the socket
                return Arrays.copyOf(reply.getData(), reply.getLength()); // whatever came: "the" answer
            } catch (SocketTimeoutException again) {
                // send it again
            }
        }
        throw new SocketTimeoutException("no answer");
    }
    // end::blind-retry[]
}
