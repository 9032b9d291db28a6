package sockets.select;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/** Lets the exercises (another package) drive the lesson's package-private {@link OutputQueue}. */
public final class ExerciseAccess {

    private ExerciseAccess() {
    }

    /** The shape both the lesson's queue and the exercise's stub have. */
    public interface Queue {
        void append(ByteBuffer source);

        long writeTo(WritableByteChannel channel) throws IOException;

        long bytes();
    }

    public static Queue outputQueue() {
        OutputQueue q = new OutputQueue();
        return new Queue() {
            @Override
            public void append(ByteBuffer source) {
                q.append(source);
            }

            @Override
            public long writeTo(WritableByteChannel channel) throws IOException {
                return q.writeTo(channel);
            }

            @Override
            public long bytes() {
                return q.bytes();
            }
        };
    }
}
