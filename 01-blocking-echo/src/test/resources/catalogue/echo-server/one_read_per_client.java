// One read and one write per client, then the next client: a message in pieces loses all but its first piece.
// fails: 2 | lost:
package sockets.echo.exercises;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sockets.cli.Programs;

/**
 * EXERCISE echo-server (01-blocking-echo/run exercise echo-server): a blocking echo server that
 * serves clients one after another. Binding, stopping and waiting are written; {@link #serve()}
 * is yours: accept a client, send back every byte it sends until it closes, then accept the next.
 *
 * <p>The stages are the lesson's wire checker ({@code 01-blocking-echo/run Checker HOST:PORT}):
 * one message; a message in single-byte pieces; 1 MiB of binary data, at a sane rate; 50 clients in a row; a
 * client that half-closes; a client that resets. Make every wait bounded: {@code setSoTimeout(idle)}
 * on each client, so one silent client cannot hold the server for ever.
 */
public final class EchoServer implements Programs.Server {

    private final ServerSocket listener;
    private final Duration idleTimeout;
    private final PrintStream log;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private EchoServer(ServerSocket listener, Duration idleTimeout, PrintStream log) {
        this.listener = listener;
        this.idleTimeout = idleTimeout;
        this.log = log;
    }

    public static EchoServer bind(InetSocketAddress address, Duration idleTimeout, PrintStream log) throws IOException {
        ServerSocket listener = new ServerSocket();
        listener.bind(address);
        return new EchoServer(listener, idleTimeout, log);
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    @Override
    public void serve() {
        try {
            while (!listener.isClosed()) {
                try (Socket client = listener.accept()) {
                    client.setSoTimeout((int) idleTimeout.toMillis());
                    byte[] buffer = new byte[8192];
                    int n = client.getInputStream().read(buffer);
                    if (n > 0) {
                        client.getOutputStream().write(buffer, 0, n);
                    }
                } catch (IOException e) {
                    if (listener.isClosed()) {
                        return;
                    }
                }
            }
        } finally {
            stopped.countDown();
        }
    }

    @Override
    public void close() {
        try {
            listener.close(); // a blocked accept() then throws SocketException: time to return
        } catch (IOException ignored) {
            // closing a listener does not fail in a way we could act on
        }
    }

    @Override
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
