package sockets.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every technique, pitfall, claim and mistake the catalogue lists is named somewhere in the
 * course's Markdown: a lesson README or a docs page. An ID that appears nowhere is a part of the
 * source documents the course forgot.
 */
class CatalogueCoverageTest {

    private static final Pattern ID = Pattern.compile("\\b(?:[EFSUTRDHC]|BUG)-\\d{2}\\b");
    /** "E-01 … E-13" names every ID from the first to the last. */
    private static final Pattern RANGE = Pattern.compile("\\b([EFSUTRDHC]|BUG)-(\\d{2}) (?:…|\\.\\.\\.) \\1-(\\d{2})\\b");

    @Test
    void every_catalogue_id_is_named_in_a_readme_or_a_docs_page() throws Exception {
        Path catalogue = Repository.root().resolveSibling("shared").resolve("CATALOGUE.md");
        assumeTrue(Files.isReadable(catalogue), "needs ../shared/CATALOGUE.md beside the checkout");
        Set<String> listed = ids(Files.readString(catalogue));
        String course = Repository.markdownFiles().stream().map(Repository::read).collect(Collectors.joining("\n"));
        Set<String> named = ids(course);
        Set<String> missing = new TreeSet<>(listed);
        missing.removeAll(named);
        assertThat(listed).hasSizeGreaterThan(50);
        assertThat(missing).as("catalogue IDs named in no README or docs page").isEmpty();
    }

    private static Set<String> ids(String text) {
        Set<String> found = new TreeSet<>();
        Matcher m = ID.matcher(text);
        while (m.find()) {
            found.add(m.group());
        }
        Matcher r = RANGE.matcher(text);
        while (r.find()) {
            for (int i = Integer.parseInt(r.group(2)); i <= Integer.parseInt(r.group(3)); i++) {
                found.add("%s-%02d".formatted(r.group(1), i));
            }
        }
        return found;
    }
}
