package sockets.select;

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

    @TestFactory
    Stream<DynamicTest> broken_servers_fail_the_checker_where_their_mistake_belongs() throws Exception {
        return Catalogue.servers(Checker.stages());
    }

    @TestFactory
    Stream<DynamicTest> wrong_select_servers_fail_their_stage() throws Exception {
        return Catalogue.solutions("select-server", "sockets.select.exercises", "SelectEchoServer", "sockets.select.exercises.SelectServerStages");
    }

    @TestFactory
    Stream<DynamicTest> wrong_output_queues_fail_their_stage() throws Exception {
        return Catalogue.solutions("output-queue", "sockets.select.exercises", "OutputQueue", "sockets.select.exercises.OutputQueueStages");
    }
}
