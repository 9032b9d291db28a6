package sockets.select.exercises;

import static sockets.exercise.Teach.check;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import sockets.exercise.Who;
import sockets.select.ExerciseAccess;

/** The stages of the output-queue exercise; the reference is the lesson's {@code OutputQueue}. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(Who.Resolver.class)
class OutputQueueStages {

    private static final String README = " (03-select-server/README.md, \"Reading: echo at once if possible, queue the rest in order\")";

    private static ExerciseAccess.Queue queue(Who who) {
        return who.pick(OutputQueue::new, ExerciseAccess::outputQueue, null);
    }

    /** A channel that takes at most the next scripted count per write (the last repeats), like a socket's send buffer. */
    static final class Channel implements WritableByteChannel {
        final ByteArrayOutputStream taken = new ByteArrayOutputStream();
        private final Deque<Integer> room;
        private long budget = Long.MAX_VALUE;

        Channel(Integer... room) {
            this.room = new ArrayDeque<>(List.of(room));
        }

        /** A channel with room for {@code bytes} in all, however many writes they come in. */
        static Channel withRoom(long bytes) {
            Channel c = new Channel(Integer.MAX_VALUE);
            c.budget = bytes;
            return c;
        }

        @Override
        public int write(ByteBuffer src) {
            int n = (int) Math.min(Math.min(src.remaining(), room.size() > 1 ? room.removeFirst() : room.peekFirst()), budget);
            budget -= n;
            for (int i = 0; i < n; i++) {
                taken.write(src.get());
            }
            return n;
        }

        String text() {
            return taken.toString(StandardCharsets.US_ASCII);
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    @Order(1)
    @DisplayName("1. bytes go out in order through a channel that takes everything")
    void inOrder(Who who) throws Exception {
        ExerciseAccess.Queue q = queue(who);
        q.append(ascii("hello, "));
        q.append(ascii("world"));
        Channel c = new Channel(1 << 20);
        long n = q.writeTo(c);
        check(c.text().equals("hello, world") && n == 12, "append \"hello, \", append \"world\", writeTo(a channel with room)",
                "\"" + c.text() + "\", writeTo returned " + n, "\"hello, world\", writeTo returned 12", "a queue keeps order" + README);
    }

    @Test
    @Order(2)
    @DisplayName("2. a channel that takes three bytes per write: the rest stays, in order")
    void partialWrites(Who who) throws Exception {
        ExerciseAccess.Queue q = queue(who);
        q.append(ascii("abcdefgh"));
        q.append(ascii("ij"));
        Channel c = new Channel(3, 3, 0);
        long first = q.writeTo(c);
        long second = q.writeTo(c);
        check(c.text().equals("abcdef") && first + second == 6, "\"abcdefgh\" + \"ij\"; the channel takes 3, 3, then nothing",
                "\"" + c.text() + "\" (writeTo returned " + first + " and " + second + ")",
                "\"abcdef\" so far, the other 4 bytes kept", "a partial write leaves the rest at the head of the queue (S-14)" + README);
        Channel more = new Channel(100);
        q.writeTo(more);
        check(more.text().equals("ghij"), "then a channel with room", "\"" + more.text() + "\"", "\"ghij\"",
                "what a partial write left goes out first, before anything newer" + README);
    }

    @Test
    @Order(3)
    @DisplayName("3. a full channel: writeTo returns 0 and nothing is lost")
    void fullChannel(Who who) throws Exception {
        ExerciseAccess.Queue q = queue(who);
        q.append(ascii("wait"));
        long n = q.writeTo(new Channel(0));
        check(n == 0 && q.bytes() == 4, "\"wait\"; a channel that takes 0 bytes", "writeTo " + n + ", bytes() " + q.bytes(),
                "writeTo 0, bytes() 4", "0 from write means the send buffer is full, not that the client is gone (BUG-26)" + README);
    }

    @Test
    @Order(4)
    @DisplayName("4. bytes() counts what is owed; bytes appended from a buffer's position, across chunks, go out whole")
    void counts(Who who) throws Exception {
        ExerciseAccess.Queue q = queue(who);
        // The server appends its read buffer after a partial write: its position is past the bytes
        // already sent. Both appends span chunks, and every byte differs from its neighbours.
        byte[] one = pattern(40_000, 7);
        byte[] two = pattern(30_000, 11);
        q.append(ByteBuffer.wrap(one).position(1_000));
        q.append(ByteBuffer.wrap(two));
        long afterAppends = q.bytes();
        Channel first = Channel.withRoom(25_000);
        q.writeTo(first);
        long afterWrite = q.bytes();
        Channel rest = Channel.withRoom(1 << 20);
        q.writeTo(rest);
        check(afterAppends == 69_000 && afterWrite == 44_000 && q.bytes() == 0,
                "append 40000 bytes from position 1000 (39000 owed), append 30000, writeTo(a channel with room for 25000), writeTo(one with room for the rest)",
                "bytes() " + afterAppends + ", " + afterWrite + ", " + q.bytes(), "69000, 44000, 0",
                "the server compares bytes() with its high-water mark to stop reading from a client that does not read" + README);
        byte[] expected = new byte[69_000];
        System.arraycopy(one, 1_000, expected, 0, 39_000);
        System.arraycopy(two, 0, expected, 39_000, 30_000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(first.taken.toByteArray());
        out.write(rest.taken.toByteArray());
        byte[] got = out.toByteArray();
        int at = java.util.Arrays.mismatch(got, expected);
        if (at != -1) {
            boolean shortOrLong = at >= Math.min(got.length, expected.length);
            check(false, "the same: 39000 bytes from position 1000 of the first buffer, then the 30000 of the second",
                    shortOrLong ? got.length + " bytes, the same as far as they go" : "byte " + at + " is " + (got[at] & 0xFF) + " (of " + got.length + " bytes)",
                    shortOrLong ? expected.length + " bytes" : "byte " + at + " is " + (expected[at] & 0xFF),
                    "append takes the bytes from the buffer's position to its limit, across as many chunks as they fill, in order" + README);
        }
    }

    /** {@code n} bytes whose values repeat only every 251 bytes, starting from a seed: a shifted or repeated run shows. */
    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ((i + seed) % 251);
        }
        return b;
    }

    @Test
    @Order(5)
    @DisplayName("5. append copies: the caller may reuse its buffer at once")
    void copies(Who who) throws Exception {
        ExerciseAccess.Queue q = queue(who);
        ByteBuffer reused = ascii("first");
        q.append(reused);
        reused.clear();
        reused.put("XXXXX".getBytes(StandardCharsets.US_ASCII)).flip();
        Channel c = new Channel(100);
        q.writeTo(c);
        check(c.text().startsWith("first"), "append(buffer \"first\"), then the server reads the next client into the same buffer",
                "\"" + c.text() + "\"", "\"first\"", "the server has one read buffer for every client: the queue must copy" + README);
    }

    @Test
    @Order(6)
    @DisplayName("6. 100,000 one-byte appends allocate in chunks, not an object each")
    void memory(Who who) throws Exception {
        ExerciseAccess.Queue q = queue(who);
        ByteBuffer one = ByteBuffer.allocate(1);
        q.append(one.clear()); // the first append may set things up
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            one.clear();
            q.append(one);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        check(allocated < 1 << 20 && q.bytes() == 100_001, "100,000 appends of 1 byte, from one reused buffer",
                allocated / 1024 + " KiB allocated, bytes() " + q.bytes(), "under 1024 KiB (the bytes themselves are 98 KiB), bytes() 100001",
                "a client that sends one byte at a time and never reads must not make each byte cost a whole buffer object" + README);
    }
}
