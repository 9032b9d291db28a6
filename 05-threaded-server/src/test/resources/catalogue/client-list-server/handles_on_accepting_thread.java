// fails: 5 | stalled
// Handles each client on the accepting thread ("it is quick"), and after answering drains the
// connection until the client closes: 50 clients at once wait behind each other, and the second
// one waits for the first to hang up.
package sockets.threaded.exercises;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import sockets.cli.Programs;

public final class ClientListServer implements Programs.Server {

    private final ServerSocket listener;
    private final Duration readTimeout;
    private final int maxConnections;
    private final PrintStream log;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Map<String, String> entries = new TreeMap<>();
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

    @Override
    public void serve() throws IOException {
        Semaphore slots = new Semaphore(maxConnections);
        try {
            while (!closed) {
                Socket client = listener.accept();
                if (!slots.tryAcquire()) {
                    client.close();
                    continue;
                }
                ((Runnable) () -> { // one client at a time: it is quick
                    try (client) {
                        handle(client);
                    } catch (IOException e) {
                        log.println("client failed: " + e.getMessage());
                    } finally {
                        slots.release();
                    }
                }).run();
            }
        } catch (SocketException e) {
            if (!closed) {
                throw e;
            }
        } finally {
            stopped.countDown();
        }
    }

    private void handle(Socket client) throws IOException {
        client.setSoTimeout((int) Math.max(1, readTimeout.toMillis()));
        InputStream in = client.getInputStream();
        ByteArrayOutputStream name = new ByteArrayOutputStream();
        for (int b; name.size() <= 256 && (b = in.read()) >= 0 && b != '\n'; ) {
            name.write(b);
        }
        byte[] bytes = name.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length; // CR LF: the CR is not part of it
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes, 0, length)).toString(); // strict
        } catch (java.nio.charset.CharacterCodingException e) {
            text = "";
        }
        if (text.isEmpty()) {
            client.getOutputStream().write("{\"error\": \"an empty name, or not UTF-8\"}".getBytes(StandardCharsets.UTF_8));
            client.shutdownOutput();
            return; // the caller closes the connection
        }
        InetSocketAddress peer = (InetSocketAddress) client.getRemoteSocketAddress();
        String answer;
        synchronized (entries) {
            entries.put(text, "{\"name\": " + quote(text) + ", \"address\": " + quote(peer.getAddress().getHostAddress())
                    + ", \"port\": " + peer.getPort() + "}");
            StringBuilder json = new StringBuilder("{");
            for (Map.Entry<String, String> e : entries.entrySet()) {
                json.append(json.length() > 1 ? ", " : "").append(quote(e.getKey())).append(": ").append(e.getValue());
            }
            answer = json.append("}").toString();
        }
        client.getOutputStream().write(answer.getBytes(StandardCharsets.UTF_8));
        client.shutdownOutput();
        try {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException ignored) { // the answer is out
        }
    }

    private static String quote(String s) {
        StringBuilder q = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                q.append('\\').append(c);
            } else if (c < 0x20) {
                q.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16)); // c < 0x20
            } else {
                q.append(c);
            }
        }
        return q.append('"').toString();
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
