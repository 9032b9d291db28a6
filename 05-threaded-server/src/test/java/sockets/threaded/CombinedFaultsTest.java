package sockets.threaded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * Two ordinary conditions at once, for the pieces of this lesson that are meant to be copied. Each
 * test is named by its combination; each failed on the code before issue 21 and passes now.
 */
@Timeout(60)
class CombinedFaultsTest {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** Registers "x" with a fake server that answers {@code answer} (or nothing) and closes. */
    static JsonNode registerWith(byte[] answer, Duration timeout) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, LOOPBACK); Socket client = new Socket()) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (Socket peer = listener.accept()) {
                    peer.setSoTimeout(10_000);
                    peer.getInputStream().readAllBytes();
                    if (answer != null) {
                        peer.getOutputStream().write(answer);
                        peer.close();
                    } else { // never answers, never closes: wait for the client to give up
                        peer.getInputStream().read();
                    }
                } catch (IOException e) {
                    // the client gave up: expected for the silent server
                }
            }, Thread::startVirtualThread);
            client.connect(listener.getLocalSocketAddress(), 5000);
            try {
                return ClientListClient.register(client, "x", timeout);
            } finally {
                client.close();
                served.get(10, TimeUnit.SECONDS);
            }
        }
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    @Tag("fix")
    void serverClosesWithoutAnswer_isAnError_notAnEmptyList() {
        assertThatThrownBy(() -> registerWith(b(""), Duration.ofSeconds(10)))
                .isInstanceOf(ClientListClient.BadAnswerException.class).hasMessageContaining("without answering");
    }

    @Test
    @Tag("fix")
    void truncatedAnswer_isACheckedBadAnswer_notAJacksonException() {
        assertThatThrownBy(() -> registerWith(b("{\"alice\": {\"name\": \"al"), Duration.ofSeconds(10)))
                .isInstanceOf(ClientListClient.BadAnswerException.class).hasMessageContaining("not valid JSON");
    }

    @Test
    @Tag("fix")
    void answersThatAreNeitherListNorRefusal_areErrors() throws Exception {
        for (String bad : new String[] {"[]", "\"x\"", "42", "null", "{\"a\": 1}", "{\"a\": {}} {}", "{\"error\": 3}"}) {
            assertThatThrownBy(() -> ClientListClient.parse(b(bad))).as(bad)
                    .isInstanceOf(ClientListClient.BadAnswerException.class);
        }
        assertThat(ClientListClient.parse(b("{}")).size()).isZero();
        assertThat(ClientListClient.refusal(ClientListClient.parse(b("{\"error\": \"busy\"}")))).isEqualTo("busy");
        assertThat(ClientListClient.parse(b("{\"error\": {\"name\": \"error\"}}")).has("error")).isTrue();
    }

    @Test
    @Tag("fix")
    void aNameOutsideTheBasicPlane_escapedAsASurrogatePair_isReadAsTheSameName() throws Exception {
        // What Python's json.dumps writes for a name with an emoji: the key escaped as \\ud83c\\udf89.
        // Jackson 3.0.x could not read such a key from bytes (jackson-core #1541); 3.1 and later can.
        String escaped = "{\"gwen \\ud83c\\udf89\": {\"name\": \"gwen \\ud83c\\udf89\", \"address\": \"127.0.0.1\", \"port\": 5}}";
        assertThat(ClientListClient.parse(b(escaped)).has("gwen \ud83c\udf89")).isTrue();
        assertThat(ClientListClient.parse(b("{\"gwen \ud83c\udf89\": {}}")).has("gwen \ud83c\udf89")).isTrue(); // the same, raw UTF-8
    }

    @Test
    @Tag("fix")
    void silentServer_wholeAnswerDeadline_subMillisecondIsNotForever() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> registerWith(null, Duration.ofNanos(1)))
                .isInstanceOf(SocketTimeoutException.class).hasMessageContaining("no complete answer");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    @Tag("fix")
    void nameWithCarriageReturnAndLineFeed_cannotForgeALogLine() throws Exception {
        try (ClientListTest.Running r = new ClientListTest.Running()) {
            r.register("mallory\r12:00 admin logged in");
            r.register("eve\u2028forged");
            String log = r.log.toString(StandardCharsets.UTF_8);
            assertThat(log).contains("mallory\\u000d12:00 admin logged in registered").contains("eve\\u2028forged");
            assertThat(log).doesNotContain("\r").doesNotContain("\u2028");
        }
        assertThat(ClientListServer.printable("a\tb\u0085c")).isEqualTo("a\\u0009b\\u0085c");
    }

    /**
     * Memory held per client that never reads its answer, with the largest list the server keeps:
     * 1,000 names of 256 bytes that JSON escapes six-fold ({@code \u0001}), about 3.1 MB of answer.
     * Before issue 21 every such client held the whole answer for the read timeout.
     */
    @Test
    @Tag("fix")
    void largestList_clientsThatNeverRead_holdLittleHeapEach() throws Exception {
        int clients = 8;
        try (ClientListTest.Running r = new ClientListTest.Running("virtual", Duration.ofSeconds(30), 100)) {
            byte[] raw = new byte[256];
            java.util.Arrays.fill(raw, (byte) 1);
            for (int i = 0; i < ClientListServer.DEFAULT_MAX_ENTRIES; i++) {
                String name = String.format("%04d", i) + new String(raw, 4, 252, StandardCharsets.US_ASCII);
                r.server.register(name, "127.0.0.1", 1);
            }
            long before = heldHeap();
            List<Socket> open = new ArrayList<>();
            try {
                for (int i = 0; i < clients; i++) {
                    Socket s = new Socket();
                    s.setReceiveBufferSize(4096);
                    s.connect(r.server.localAddress(), 5000);
                    open.add(s);
                    s.getOutputStream().write(b("idle" + i + "\n"));
                    HostileClientsTest.awaitUnread(s, 1); // its answer has started: the handler writes
                }
                long perClient = (heldHeap() - before) / clients;
                System.out.println("heap held per non-reading client with the largest list: " + perClient + " bytes");
                assertThat(perClient).as("heap held per non-reading client").isLessThan(512 * 1024);
            } finally {
                for (Socket s : open) {
                    s.close();
                }
            }
        }
    }

    /** Heap in use after a full collection (twice, for what finalisation freed). */
    static long heldHeap() {
        for (int i = 0; i < 2; i++) {
            System.gc();
            LockSupport.parkNanos(50_000_000L); // let reference processing finish; a measurement, not a synchronisation
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
