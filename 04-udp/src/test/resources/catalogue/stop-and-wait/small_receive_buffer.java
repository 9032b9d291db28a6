// fails: 1 | bytes missing
// Receives answers into a 1,024-byte buffer ("answers are short"): a longer answer is cut by the
// kernel without a word, and request() returns the first bytes of its body as if they were all of it.
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
        byte[] buffer = new byte[1024]; // the mistake: "answers are short"; a longer one is cut silently
        for (int attempt = 0; attempt <= retries; attempt++) {
            socket.send(new DatagramPacket(request, request.length));
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
        }
        throw new SocketTimeoutException("no answer to #" + id + " after " + (retries + 1) + " sends");
    }
}
