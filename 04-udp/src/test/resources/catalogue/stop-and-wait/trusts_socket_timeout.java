// fails: 2 | SO_TIMEOUT 0 waits for ever
// Never sets SO_TIMEOUT and trusts the socket's own: its deadline per try is checked only when a
// receive returns, so on a socket without a timeout (SO_TIMEOUT 0) a lost request blocks for ever.
package sockets.udp.exercises;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import sockets.udp.Datagrams;

public final class UdpClient {

    private final DatagramSocket socket;
    private final Duration timeout;
    private final int retries;
    private long nextId = 1;

    public UdpClient(DatagramSocket socket, Duration timeout, int retries) {
        this.socket = socket;
        this.timeout = timeout;
        this.retries = retries;
    }

    public byte[] request(byte[] body) throws IOException {
        long id = nextId++;
        byte[] request = Datagrams.withId(id, body);
        byte[] buffer = new byte[65_536];
        for (int attempt = 0; attempt <= retries; attempt++) {
            socket.send(new DatagramPacket(request, request.length));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    break;
                }
                // the mistake: no setSoTimeout here; "the socket is already configured"
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    break;
                }
                byte[] answer = Arrays.copyOf(buffer, packet.getLength());
                if (Datagrams.requestId(answer) == id) {
                    int prefix = ("#" + id + " ").length();
                    return Arrays.copyOfRange(answer, prefix, answer.length);
                }
                // an answer to an earlier request (a late duplicate): skip it
            }
        }
        throw new SocketTimeoutException("no answer to #" + id + " after " + (retries + 1) + " sends");
    }
}
