package sockets.threaded.exercises;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sockets.cli.Programs;
import sockets.exercise.NotWrittenYet;

/**
 * EXERCISE client-list-server (05-threaded-server/run exercise client-list-server): the seed's
 * {@code client_list.py} server, done right. Binding and stopping are written; {@link #serve()} is
 * yours: accept clients, one thread each (virtual threads are the cheap way), and in each: read the
 * name (up to a newline or the client's half-close, at most 256 bytes, within {@code readTimeout}
 * for the whole name; one CR right before the newline is not part of it; an empty name or bytes
 * that are not UTF-8 are refused with {@code {"error": ...}}), record {@code {name, address, port}}
 * (the same name replaces its entry), answer with every entry as one JSON object keyed by name,
 * close.
 *
 * <p>The stages are the lesson's wire checker ({@code 05-threaded-server/run Checker HOST:PORT}):
 * newline-ended (LF or CR LF) and half-closed names; a name in single-byte pieces; the entry's
 * fields, and a name registered again from another address; 50 clients at once, and a client that
 * registers while another is still sending its name; an answer over 1,024 bytes; a silent client
 * and one that does not read its answer, which hold up nobody, and names refused; 30 names sent
 * as over a network. Cap the connections ({@code maxConnections}); copy the list under a lock
 * before writing it out (BUG-41), and write it after letting go of the lock.
 */
public final class ClientListServer implements Programs.Server {

    private final ServerSocket listener;
    private final Duration readTimeout;
    private final int maxConnections;
    private final PrintStream log;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closed;

    private ClientListServer(ServerSocket listener, Duration readTimeout, int maxConnections, PrintStream log) {
        this.listener = listener;
        this.readTimeout = readTimeout;
        this.maxConnections = maxConnections;
        this.log = log;
    }

    public static ClientListServer bind(InetSocketAddress address, Duration readTimeout, int maxConnections, PrintStream log)
            throws IOException {
        ServerSocket listener = new ServerSocket();
        listener.bind(address, 4096);
        return new ClientListServer(listener, readTimeout, maxConnections, log);
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** Accepts clients and starts a handler for each, until {@link #close()}. */
    @Override
    public void serve() throws IOException {
        try {
            throw new NotWrittenYet("ClientListServer.serve");
        } finally {
            stopped.countDown();
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // nothing to do about it
        }
    }

    @Override
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
