package sockets.udp.exercises;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import sockets.cli.Programs;
import sockets.exercise.NotWrittenYet;

/**
 * EXERCISE udp-server (04-udp/run exercise udp-server): a UDP request/reply server. The channel is
 * bound; stopping is written. {@link #serve()} is yours: receive a datagram, answer its sender.
 *
 * <p>The stages are the lesson's wire checker ({@code 04-udp/run Checker HOST:PORT}): an answer to
 * the sender; {@code #ID body} answered as {@code #ID answer}; a repeated ID answered the same (from
 * memory: bounded, say the last 4096, and not processed again: stage 3 counts the calls of
 * {@link #process}); five clients; a datagram over {@code maxDatagram} reported and dropped, never
 * processed cut short, and one of exactly {@code maxDatagram} answered (receive into a buffer one
 * byte larger to tell); an empty datagram or a malformed id ({@code #abc}, {@code #12} with no
 * space, 20 digits) answered or ignored, the server still running.
 */
public final class UdpServer implements Programs.Server {

    private final DatagramChannel channel;
    private final int maxDatagram;
    private final PrintStream log;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closed;
    private final AtomicLong processed = new AtomicLong();

    private UdpServer(DatagramChannel channel, int maxDatagram, PrintStream log) {
        this.channel = channel;
        this.maxDatagram = maxDatagram;
        this.log = log;
    }

    public static UdpServer bind(InetSocketAddress address, int maxDatagram, PrintStream log) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        channel.bind(address);
        return new UdpServer(channel, maxDatagram, log);
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.socket().getLocalSocketAddress();
    }

    /** Receives and answers datagrams until {@link #close()}. */
    @Override
    public void serve() throws IOException {
        try {
            throw new NotWrittenYet("UdpServer.serve");
        } finally {
            stopped.countDown();
        }
    }

    /**
     * The work a request asks for: here it only counts, and its answer is "Got your message!" (a numbered
     * request's answer is {@code #ID } and this). Call it once for each request, never for a repeat of an id
     * already answered: that one gets the remembered answer.
     */
    private byte[] process(byte[] request) {
        processed.incrementAndGet();
        return "Got your message!".getBytes(StandardCharsets.US_ASCII);
    }

    /** How many times {@link #process} ran: the stages read it. */
    long processed() {
        return processed.get();
    }

    @Override
    public void close() {
        closed = true;
        try {
            channel.close(); // a blocked receive then throws AsynchronousCloseException
        } catch (IOException ignored) {
            // nothing to do about it
        }
    }

    @Override
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
