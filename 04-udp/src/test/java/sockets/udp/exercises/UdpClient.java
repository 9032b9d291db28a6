package sockets.udp.exercises;

import java.io.IOException;
import java.net.DatagramSocket;
import java.time.Duration;
import sockets.exercise.NotWrittenYet;

/**
 * EXERCISE stop-and-wait (04-udp/run exercise stop-and-wait): a client that gets an answer from a
 * UDP server over a network that loses and duplicates datagrams. The socket is connected to the
 * server (here, through a lossy relay).
 *
 * <p>The protocol: a request is {@code #ID body}; the server answers {@code #ID answer} and answers
 * a repeated ID from memory without processing it again ({@code sockets.udp.Datagrams.withId} and
 * {@code requestId} build and read the prefix). The socket has no timeout of its own (SO_TIMEOUT 0
 * waits for ever). The stages, in order: no loss (also a 2,000-byte body that is not text: it
 * must come back byte for byte); the request lost twice (the last send is waited for too); the
 * answer lost once (the request must be processed once); a late duplicate of an earlier answer
 * (it must not be taken for this one's); everything lost (give up with
 * {@code SocketTimeoutException} after {@code retries + 1} sends, no more); stray answers with
 * other ids that keep arriving (they must not put off the retry).
 */
public final class UdpClient {

    private final DatagramSocket socket;
    private final Duration timeout;
    private final int retries;

    public UdpClient(DatagramSocket socket, Duration timeout, int retries) {
        this.socket = socket;
        this.timeout = timeout;
        this.retries = retries;
    }

    /** Sends {@code body} as one numbered request and returns the body of the answer with the same number. */
    public byte[] request(byte[] body) throws IOException {
        throw new NotWrittenYet("UdpClient.request");
    }
}
