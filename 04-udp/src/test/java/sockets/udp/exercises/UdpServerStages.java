package sockets.udp.exercises;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import sockets.cli.Programs;
import sockets.cli.Wire;
import sockets.exercise.ServerStages;
import sockets.exercise.Who;
import sockets.udp.Checker;

/**
 * The stages of the udp-server exercise: the lesson's checker; the reference is {@link sockets.udp.UdpServer}. The
 * exercise's server takes datagrams of up to 8,192 bytes, so stage 5 checks exactly that and a byte more; and since
 * its answer is always "Got your message!", a duplicate processed again cannot show on the wire: stage 3 also counts
 * the calls of the stub's {@code process()} (in process only; the checker alone cannot). The checker's last stage, a
 * server process's CPU while idle, is not one of the exercise's: the server runs in this JVM.
 */
@ExtendWith(Who.Resolver.class)
class UdpServerStages {

    private static final int LIMIT = 8192;

    @TestFactory
    Stream<DynamicTest> stages(Who who) {
        AtomicReference<Programs.Server> last = new AtomicReference<>();
        Programs.Binder picked = who.pick(() -> a -> UdpServer.bind(a, LIMIT, System.err),
                () -> a -> sockets.udp.UdpServer.bind(a, false, LIMIT, System.err), null);
        Programs.Binder binder = a -> {
            Programs.Server server = picked.bind(a);
            last.set(server);
            return server;
        };
        List<Wire.Stage> stages = new ArrayList<>(Checker.stages(LIMIT));
        // The checker's last stage measures the CPU of the server's process, found by its port: here that process is
        // this JVM, which it cannot measure (it would pass the untouched stub). Not a stage of the exercise.
        stages.removeLast();
        Wire.Stage duplicates = stages.get(2);
        stages.set(2, new Wire.Stage(duplicates.name(), duplicates.why(), s -> {
            duplicates.body().run(s);
            long processed = processed(last.get());
            s.expect(processed == 2, "process() called twice, once for #ID and once for #NEXT: the two copies of #ID"
                            + " that came again are answered from memory, not processed again",
                    processed < 0 ? "your UdpServer has no processed() (the stub's process() and processed() count the work: put them back)"
                            : processed == 0 ? "process() never called: build each new answer with process(request), so the work is counted"
                            : "process() called " + processed + " times: a repeated #ID was processed again (the answer is the same"
                                    + " \"Got your message!\" every time, so only the count shows it); remember each answer by"
                                    + " sender and id and send the remembered one");
        }));
        // The checker command carries the limit, so a failure's replay line checks it too.
        return ServerStages.of(who, binder, stages, "04-udp/run Checker --max " + LIMIT, "04-udp/README.md, \"Detect the oversized datagram\"");
    }

    /** What the server's processed() says; -1 if it has none. */
    private static long processed(Programs.Server server) throws Exception {
        Method count;
        try {
            count = server.getClass().getDeclaredMethod("processed");
        } catch (NoSuchMethodException e) {
            return -1;
        }
        count.setAccessible(true);
        return ((Number) count.invoke(server)).longValue();
    }
}
