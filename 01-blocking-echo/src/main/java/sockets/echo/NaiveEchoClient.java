package sockets.echo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;

/**
 * Deliberately wrong: the seed's echo client, ported line for line. Kept so that the tests and
 * the demo can show what goes wrong. Use {@link EchoClient} instead.
 */
public final class NaiveEchoClient {

    private NaiveEchoClient() {
    }

    // tag::one-read[]
    /**
     * Deliberately wrong: takes one {@code read} as the whole reply (E-07). A read returns as
     * soon as any bytes have arrived, so a reply that comes in two TCP segments is cut in half,
     * and anything past 1024 bytes is never read at all.
     */
    public static byte[] roundTrip(InputStream in, OutputStream out, byte[] request) throws IOException {
        out.write(request);
        byte[] buffer = new byte[1024];
        int n = in.read(buffer);
        return n == -1 ? new byte[0] : Arrays.copyOf(buffer, n);
    }
    // end::one-read[]

    // tag::first-address[]
    /**
     * Deliberately wrong: {@code new Socket(host, port)} resolves the name and tries only the
     * first address (E-02). If that one refuses, the other addresses are never tried.
     */
    public static Socket connect(String host, int port) throws IOException {
        return new Socket(host, port);
    }
    // end::first-address[]
}
