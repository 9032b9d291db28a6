package sockets.failure;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import sockets.exercise.Catalogue;

/**
 * The catalogue of wrong solutions and broken servers ({@code src/test/resources/catalogue}): each
 * fails at the stage its header names, with that stage's message; the correct third-party servers
 * pass every stage. See {@link Catalogue} for the layout.
 */
@Timeout(300)
class CatalogueTest {

    /** One factory, so every item starts at once: most of their time is stages waiting out their patience. */
    @TestFactory
    Stream<DynamicTest> every_item_fails_where_its_header_says_or_passes() throws Exception {
        return Stream.of(
                Catalogue.servers(Checker.stages()),
                Catalogue.solutions("half-close-client", "sockets.failure.exercises", "HalfCloseClient",
                        "sockets.failure.exercises.HalfCloseClientStages"),
                Catalogue.solutions("heartbeat", "sockets.failure.exercises", "Heartbeat",
                        "sockets.failure.exercises.HeartbeatStages")).flatMap(s -> s);
    }
}
