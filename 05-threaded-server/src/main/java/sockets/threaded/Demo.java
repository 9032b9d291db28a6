package sockets.threaded;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import sockets.cli.Programs;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Lesson 05, live: the client list read with one 1,024-byte read, then read to the end. */
public final class Demo {

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        Programs.noOptions("Demo", "Runs lesson 05's pitfall and its fix, live, on loopback (takes no options).", args);
        run(System.out);
    }

    static void run(PrintStream out) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ClientListServer server = ClientListServer.bind(new InetSocketAddress(loopback, 0), "virtual",
                Duration.ofSeconds(10), 100, new PrintStream(OutputStream.nullOutputStream()))) {
            Thread serving = Thread.ofPlatform().start(server::serve);
            for (int i = 0; i < 50; i++) {
                server.register("client-%02d-".formatted(i) + "x".repeat(50), "127.0.0.1", 40_000 + i);
            }
            out.println("The server already lists 50 clients with 60-character names.");
            out.println();
            out.println("== The pitfall: one recv(1024) for the answer, as the seed's client does (T-06) ==");
            try (Socket s = new Socket(loopback, server.localAddress().getPort())) {
                s.getOutputStream().write("alice\n".getBytes(StandardCharsets.UTF_8));
                s.shutdownOutput();
                String answer = NaiveClientList.readAnswer(s.getInputStream());
                out.printf("One read returned %,d characters of the answer. Parsing them: ", answer.length());
                try {
                    JsonMapper.builder().build().readTree(answer);
                    out.println("it parsed (this time).");
                } catch (JacksonException e) {
                    out.println("\"" + e.getOriginalMessage() + "\".");
                }
            }
            out.println();
            out.println("== The fix: read until the server closes its side; that is where the answer ends ==");
            try (Socket s = new Socket(loopback, server.localAddress().getPort())) {
                JsonNode list = ClientListClient.register(s, "bob");
                out.printf("Read to the end: valid JSON with %d entries, bob's included: %s.%n",
                        list.size(), list.get("bob"));
            }
            server.close();
            serving.join(5_000);
        }
        out.println();
        out.println("Read the lesson: 05-threaded-server/README.md. Run the tests: ./mvnw -pl 05-threaded-server verify");
    }
}
