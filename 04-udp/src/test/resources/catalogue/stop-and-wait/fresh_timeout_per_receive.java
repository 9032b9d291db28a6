// fails: 6 | no retry while
// Times each receive, not each try: every answer with another id gives the wait a fresh timeout, so
// while stray answers keep coming the try never ends and the request is never sent again.
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
            socket.setSoTimeout((int) timeout.toMillis()); // per receive: each stray starts the wait again
            while (true) {
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
