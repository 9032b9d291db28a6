package sockets.echo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A one-connection echo peer that sends its echo in two pieces: the first {@code split} bytes,
 * then, only once the client's first read has returned, the rest. The split is forced, so "the
 * reply arrives in two pieces" happens every time instead of by luck (the demo and the tests).
 */
final class TwoPieceEchoPeer implements AutoCloseable {

    private final ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    private final CountDownLatch firstReadReturned = new CountDownLatch(1);
    /** Completes once the whole echo is sent; fails if the client never read. */
    final CompletableFuture<Void> done;

    TwoPieceEchoPeer(int requestLength, int split) throws IOException {
        done = CompletableFuture.runAsync(() -> {
            try (Socket peer = listener.accept()) {
                byte[] request = peer.getInputStream().readNBytes(requestLength);
                OutputStream out = peer.getOutputStream();
                out.write(request, 0, split);
                if (!firstReadReturned.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the client never read");
                }
                out.write(request, split, request.length - split);
                peer.shutdownOutput();
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, Thread::startVirtualThread);
    }

    Socket connect() throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
    }

    /** The client's stream, wrapped so that the peer knows when its first read has returned. */
    InputStream watch(InputStream in) {
        return new SignallingInputStream(in, firstReadReturned);
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
