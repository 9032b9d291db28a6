package sockets.raw;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import sockets.exercise.Catalogue;

/**
 * The catalogue of wrong solutions ({@code src/test/resources/catalogue}): each fails at the stage
 * its header names, with that stage's message, and the correct one passes every stage. Lesson 06
 * has no wire checker, so the catalogue holds exercise solutions only. See {@link Catalogue}.
 */
@Timeout(300)
class CatalogueTest {

    @TestFactory
    Stream<DynamicTest> every_item_fails_where_its_header_says_or_passes() throws Exception {
        return Stream.of(
                Catalogue.solutions("checksum", "sockets.raw.exercises", "InternetChecksum",
                        "sockets.raw.exercises.ChecksumStages"),
                Catalogue.solutions("ipv4-header", "sockets.raw.exercises", "Ipv4Header",
                        "sockets.raw.exercises.Ipv4HeaderStages")).flatMap(s -> s);
    }
}
