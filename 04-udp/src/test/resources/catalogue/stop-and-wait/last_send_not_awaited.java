// fails: 2 | the answer to the last of the 3 sends
// Sends, then for each retry waits and sends again: retries + 1 sends but only retries waits, so a
// request that gets through only on its last try is given up on while its answer is on the way.
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
        socket.send(new DatagramPacket(request, request.length));
        for (int attempt = 0; attempt < retries; attempt++) { // the mistake: the last send gets no wait
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    break;
                }
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
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
            socket.send(new DatagramPacket(request, request.length));
        }
        throw new SocketTimeoutException("no answer to #" + id + " after " + (retries + 1) + " sends");
    }
}
