package sockets.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Code in the course's Markdown is never typed twice: a block shown as a snippet is marked
 * <pre>&lt;!-- snippet: path/to/Source.java#name --&gt;</pre>
 * (path relative to the Markdown file) and must equal the region between {@code tag::name[]} and
 * {@code end::name[]} in that source, which the tests compile and run. Every Java block must be
 * such a snippet. Run with {@code -Dsnippets.update=true} to copy the current source into the
 * Markdown instead of failing.
 */
class SnippetsTest {

    private static final Pattern MARKER = Pattern.compile(
            "<!-- snippet: (\\S+)#([\\w.-]+) -->\\R+```(\\w*)\\R(.*?)^```", Pattern.DOTALL | Pattern.MULTILINE);
    private static final Pattern JAVA_BLOCK = Pattern.compile("^```java\\R", Pattern.MULTILINE);
    private static final boolean UPDATE = Boolean.getBoolean("snippets.update");

    @Test
    void every_snippet_equals_its_tagged_region_in_the_real_source() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path md : Repository.markdownFiles()) {
            String text = Repository.read(md);
            StringBuilder updated = new StringBuilder();
            Matcher m = MARKER.matcher(text);
            while (m.find()) {
                Path source = md.getParent().resolve(m.group(1)).normalize();
                String where = Repository.relative(md) + " → " + m.group(1) + "#" + m.group(2);
                if (!Files.isRegularFile(source)) {
                    problems.add(where + ": no such file");
                    continue;
                }
                String region;
                try {
                    region = taggedRegion(Files.readAllLines(source), m.group(2));
                } catch (IllegalArgumentException e) {
                    problems.add(where + ": " + e.getMessage());
                    continue;
                }
                if (!region.equals(m.group(4))) {
                    problems.add(where + ": the Markdown copy differs from the source");
                }
                m.appendReplacement(updated, Matcher.quoteReplacement(
                        m.group().substring(0, m.start(4) - m.start()) + region + "```"));
            }
            m.appendTail(updated);
            if (UPDATE && !updated.toString().equals(text)) {
                Files.writeString(md, updated.toString());
            }
        }
        if (UPDATE) {
            return;
        }
        assertThat(problems).as("snippets out of sync (run ./mvnw -pl docs verify -Dsnippets.update=true)").isEmpty();
    }

    @Test
    void every_java_block_in_the_markdown_is_a_snippet_of_tested_source() {
        List<String> untested = new ArrayList<>();
        for (Path md : Repository.markdownFiles()) {
            String text = Repository.read(md);
            Matcher java = JAVA_BLOCK.matcher(text);
            while (java.find()) {
                String before = text.substring(0, java.start()).stripTrailing();
                if (!before.endsWith("-->") || !before.substring(before.lastIndexOf("<!--")).startsWith("<!-- snippet:")) {
                    untested.add(Repository.relative(md) + " line " + lineOf(text, java.start()));
                }
            }
        }
        assertThat(untested).as("```java blocks without a <!-- snippet: ... --> marker").isEmpty();
    }

    /** The lines between the tag markers, with their common indentation removed. */
    static String taggedRegion(List<String> lines, String name) {
        String start = "tag::" + name + "[]";
        String end = "end::" + name + "[]";
        List<String> region = null;
        for (String line : lines) {
            if (line.contains(start)) {
                if (region != null) {
                    throw new IllegalArgumentException("tag " + name + " opens twice");
                }
                region = new ArrayList<>();
            } else if (line.contains(end)) {
                if (region == null) {
                    throw new IllegalArgumentException("tag " + name + " ends before it starts");
                }
                return dedent(region);
            } else if (region != null && !line.matches(".*\\b(tag|end)::[\\w.-]+\\[\\].*")) {
                region.add(line);
            }
        }
        throw new IllegalArgumentException(region == null ? "no tag " + name : "tag " + name + " never ends");
    }

    private static String dedent(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            out.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
        }
        return out.toString();
    }

    private static int lineOf(String text, int offset) {
        return (int) text.substring(0, offset).lines().count() + 1;
    }
}
