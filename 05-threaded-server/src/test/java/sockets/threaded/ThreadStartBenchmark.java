package sockets.threaded;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * T-03: "creating processes and switching contexts is not a cheap operation"; threads are cheaper
 * than processes. The cost of the unit of concurrency a server would create per connection:
 * starting and joining a platform thread, a virtual thread, and a process ({@code /bin/true}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class ThreadStartBenchmark {

    private static final Runnable NOTHING = () -> { };

    @Benchmark
    public void platformThread() throws InterruptedException {
        Thread.ofPlatform().start(NOTHING).join();
    }

    @Benchmark
    public void virtualThread() throws InterruptedException {
        Thread.ofVirtual().start(NOTHING).join();
    }

    @Benchmark
    public int process() throws IOException, InterruptedException {
        return new ProcessBuilder("/bin/true").start().waitFor();
    }
}
