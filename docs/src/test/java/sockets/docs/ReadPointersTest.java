package sockets.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every "read:" pointer an exercise or a checker prints, {@code NN-lesson/README.md, "Heading"},
 * names a heading that exists in that README, the way LinksTest checks links. The pointers are
 * found in the lessons' sources and exercise files (a stage's README constant, an exercise's
 * {@code about:} and {@code read N:} lines, a checker's messages). A README rewrite that renames a
 * heading fails here with the file and line of every pointer it leaves dangling.
 */
class ReadPointersTest {

    /** {@code 02-framing/README.md, "Heading"}, also with the quotes escaped inside a Java string. */
    static final Pattern POINTER = Pattern.compile("(0[1-9]-[a-z0-9-]+)/README\\.md, \\\\?\"(.+?)\\\\?\"");

    record Pointer(String where, String lesson, String heading) {
    }

    static List<Pointer> pointers(Path root) throws IOException {
        List<Pointer> found = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> all = Files.walk(root)) {
            files = all.filter(p -> {
                String s = root.relativize(p).toString();
                return s.matches("0[1-9]-[^/]+/src/.*\\.(java|txt)") && !s.contains("/target/");
            }).sorted().toList();
        }
        for (Path f : files) {
            List<String> lines = Files.readAllLines(f);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = POINTER.matcher(lines.get(i));
                while (m.find()) {
                    found.add(new Pointer(root.relativize(f) + ":" + (i + 1), m.group(1), m.group(2)));
                }
            }
        }
        return found;
    }

    static List<String> headings(Path readme) throws IOException {
        if (!Files.exists(readme)) {
            return List.of();
        }
        return Files.readAllLines(readme).stream().filter(l -> l.matches("#{1,6} .*")).map(l -> l.replaceFirst("^#+ ", "").strip()).toList();
    }

    @Test
    void every_read_pointer_names_a_heading_that_exists() throws IOException {
        Path root = Repository.root();
        List<Pointer> pointers = pointers(root);
        assertThat(pointers).as("read: pointers found in the lessons' sources").hasSizeGreaterThanOrEqualTo(14);
        List<String> dangling = new ArrayList<>();
        for (Pointer p : pointers) {
            List<String> headings = headings(root.resolve(p.lesson()).resolve("README.md"));
            if (!headings.contains(p.heading())) {
                String[] words = p.heading().toLowerCase().split("\\W+");
                List<String> near = headings.stream().filter(h -> Stream.of(words).filter(w -> w.length() > 3)
                        .anyMatch(w -> h.toLowerCase().contains(w))).limit(4).toList();
                dangling.add(p.where() + ": " + p.lesson() + "/README.md has no heading \"" + p.heading() + "\""
                        + (near.isEmpty() ? "" : "; headings with some of its words: " + near));
            }
        }
        assertThat(dangling).as("dangling read: pointers (rename the pointer to an existing heading, or the heading back)").isEmpty();
    }

    @Test
    void the_pattern_reads_a_pointer_in_a_java_string_and_in_an_exercise_file() {
        Matcher java = POINTER.matcher("String README = \" (02-framing/README.md, \\\"A length prefix\\\")\";");
        assertThat(java.find()).isTrue();
        assertThat(java.group(2)).isEqualTo("A length prefix");
        Matcher txt = POINTER.matcher("about: 01-blocking-echo/README.md, \"The server: every byte back\"");
        assertThat(txt.find()).isTrue();
        assertThat(txt.group(1)).isEqualTo("01-blocking-echo");
        assertThat(txt.group(2)).isEqualTo("The server: every byte back");
    }
}
