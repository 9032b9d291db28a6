// fails: 1 | the first difference at byte 0
// Takes the answer apart as text: new String(answer, UTF_8).substring(prefix).getBytes(UTF_8). A
// body that is not UTF-8 text (any binary body) comes back changed.
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
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    break;
                }
                byte[] answer = Arrays.copyOf(buffer, packet.getLength());
                if (Datagrams.requestId(answer) == id) {
                    String text = new String(answer, java.nio.charset.StandardCharsets.UTF_8);
                    return text.substring(text.indexOf(' ') + 1).getBytes(java.nio.charset.StandardCharsets.UTF_8); // the mistake: bytes through text
                }
                // an answer to an earlier request (a late duplicate): skip it
            }
        }
        throw new SocketTimeoutException("no answer to #" + id + " after " + (retries + 1) + " sends");
    }
}
