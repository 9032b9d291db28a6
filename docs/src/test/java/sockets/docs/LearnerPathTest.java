package sockets.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Every lesson README opens with the learner path ({@code shared/CONVENTIONS.md}, "Lesson README
 * sections") and keeps the evidence behind it, under {@code ## Behind the lesson}. The learner
 * path is everything before that heading, and it
 * <ul>
 * <li>has at most {@value #MAX_WORDS} words of prose (see {@link #proseWords} for what counts);</li>
 * <li>names no catalogue ID (a pattern such as {@code E-07}, {@code BUG-19}, {@code S-15}) and no
 * mutation score or test strength in its prose;</li>
 * <li>shows at least two pictures of the wire ({@code <!-- wire: NN/name -->} sequence diagrams,
 * which {@link PicturesTest} compares with captures);</li>
 * <li>has its sections in the learner's order: {@code ## Your turn} (the exercise) before
 * {@code ## The fix}, then {@code ## Check yourself}, then {@code ## Behind the lesson}.</li>
 * </ul>
 * Code blocks are copies of tested source ({@link SnippetsTest}); a catalogue ID in a comment of a
 * snippet is the source's, not the prose's, so only prose is checked for IDs.
 *
 * <p>Lessons are converted one by one: {@link #CONVERTED} lists those held to the rule; for the
 * others the problems are printed, not failed, and the report says when a lesson passes and can be
 * added.
 */
class LearnerPathTest {

    /** The lessons whose README has been rewritten into the learner path. Add a lesson when it passes. */
    static final Set<String> CONVERTED = Set.of("01-blocking-echo", "02-framing", "03-select-server", "04-udp",
            "05-threaded-server", "06-raw-sockets", "07-shutdown-and-failure");

    static final int MAX_WORDS = 2_000;
    static final String BEHIND = "## Behind the lesson";

    private static final Pattern FENCE = Pattern.compile("^(```|~~~)[^\\n]*\\n.*?^\\1[^\\n]*$", Pattern.DOTALL | Pattern.MULTILINE);
    private static final Pattern COMMENT = Pattern.compile("<!--.*?-->", Pattern.DOTALL);
    private static final Pattern INLINE_CODE = Pattern.compile("`[^`\\n]*`");
    private static final Pattern LINK_TARGET = Pattern.compile("\\]\\([^)\\s]*(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern WORD = Pattern.compile("\\S*[\\p{L}\\p{N}]\\S*");
    /** A catalogue ID: one to four capitals, a hyphen, two digits (E-07, BUG-19, S-15). */
    static final Pattern CATALOGUE_ID = Pattern.compile("\\b[A-Z]{1,4}-\\d{2}\\b");
    /** Names that look like catalogue IDs and are not. */
    private static final Set<String> NOT_IDS = Set.of("CRC-32");
    private static final Pattern SCORE = Pattern.compile("(?i)mutation\\s+score|test\\s+strength|\\bmutants?\\b");
    private static final List<String> ORDER = List.of("## Your turn", "## The fix", "## Check yourself", BEHIND);

    private static List<Path> lessonReadmes() throws IOException {
        try (Stream<Path> dirs = Files.list(Repository.root())) {
            return dirs.filter(d -> d.getFileName().toString().matches("0\\d-.*"))
                    .map(d -> d.resolve("README.md")).filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** The part of a README before {@code ## Behind the lesson} (all of it when there is no such heading). */
    static String learnerPath(String markdown) {
        Matcher m = Pattern.compile("^" + Pattern.quote(BEHIND) + "\\s*$", Pattern.MULTILINE).matcher(markdown);
        return m.find() ? markdown.substring(0, m.start()) : markdown;
    }

    /**
     * Prose as a learner reads it: fenced code blocks (Java, Mermaid, shell, program output) and HTML
     * comments are left out; inline code, tables and headings stay (a learner reads them), and a
     * link counts by its text, not its target.
     */
    static String prose(String markdown) {
        String text = FENCE.matcher(markdown).replaceAll("\n");
        text = COMMENT.matcher(text).replaceAll(" ");
        return LINK_TARGET.matcher(text).replaceAll("]");
    }

    private static final Pattern RAW_WORD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9'\u2019.-]*");

    /**
     * The budget counted the crude way too: everything outside fenced code blocks, HTML comments and
     * link targets included, a word being a run of letters, digits, apostrophes, dots and hyphens.
     * A learner path within the budget by both counts is within it however one counts.
     */
    static int rawWords(String markdown) {
        Matcher m = RAW_WORD.matcher(FENCE.matcher(markdown).replaceAll("\n"));
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** Words of {@link #prose}: runs of non-blank characters holding at least one letter or digit. */
    static int proseWords(String markdown) {
        Matcher m = WORD.matcher(prose(markdown));
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** What is wrong with one README's learner path; empty when it follows the rule. */
    static List<String> problems(String name, String markdown) {
        List<String> problems = new ArrayList<>();
        String path = learnerPath(markdown);
        if (path.length() == markdown.length()) {
            problems.add(name + ": no \"" + BEHIND + "\" heading; the evidence goes after the learner path under it");
        }
        int words = proseWords(path);
        if (words > MAX_WORDS) {
            problems.add(name + ": the learner path has " + words + " words of prose, more than " + MAX_WORDS
                    + "; move evidence below \"" + BEHIND + "\"");
        }
        int raw = rawWords(path);
        if (raw > MAX_WORDS) {
            problems.add(name + ": the learner path has " + raw + " words counted with comments and link targets, more than "
                    + MAX_WORDS + "; move evidence below \"" + BEHIND + "\"");
        }
        String prose = INLINE_CODE.matcher(prose(path)).replaceAll(" ");
        Matcher id = CATALOGUE_ID.matcher(prose);
        Set<String> ids = new java.util.LinkedHashSet<>();
        while (id.find()) {
            if (!NOT_IDS.contains(id.group())) {
                ids.add(id.group());
            }
        }
        if (!ids.isEmpty()) {
            problems.add(name + ": catalogue IDs in the learner path " + ids + "; they belong below \"" + BEHIND + "\"");
        }
        Matcher score = SCORE.matcher(prose);
        if (score.find()) {
            problems.add(name + ": \"" + score.group() + "\" in the learner path; mutation scores belong below \"" + BEHIND + "\"");
        }
        long pictures = PicturesTest.WIRE.matcher(path).results().count();
        if (pictures < 2) {
            problems.add(name + ": the learner path shows " + pictures + " pictures of the wire (<!-- wire: NN/name -->"
                    + " sequence diagrams), at least 2 wanted");
        }
        int previous = -1;
        String previousHeading = null;
        for (String heading : ORDER) {
            if (heading.equals(BEHIND) && path.length() == markdown.length()) {
                continue; // reported above
            }
            Matcher h = Pattern.compile("^" + Pattern.quote(heading) + "\\b.*$", Pattern.MULTILINE).matcher(markdown);
            if (!h.find()) {
                problems.add(name + ": no \"" + heading + "\" section");
                continue;
            }
            if (h.start() < previous) {
                problems.add(name + ": \"" + heading + "\" comes before \"" + previousHeading + "\"; the learner order is " + ORDER);
            }
            previous = h.start();
            previousHeading = heading;
        }
        return problems;
    }

    @Test
    void every_converted_lesson_opens_with_a_learner_path_and_keeps_the_evidence_behind_it() throws IOException {
        List<String> problems = new ArrayList<>();
        List<String> converted = new ArrayList<>();
        for (Path readme : lessonReadmes()) {
            String lesson = readme.getParent().getFileName().toString();
            List<String> found = problems(Repository.relative(readme), Repository.read(readme));
            int words = proseWords(learnerPath(Repository.read(readme)));
            if (CONVERTED.contains(lesson)) {
                converted.add(lesson);
                problems.addAll(found);
                System.out.println("LearnerPathTest: " + lesson + ": " + words + " words of prose in the learner path");
            } else if (found.isEmpty()) {
                System.out.println("LearnerPathTest: " + lesson + " follows the learner path now: add it to CONVERTED");
            } else {
                System.out.println("LearnerPathTest: " + lesson + " is not converted yet (" + words + " words before \""
                        + BEHIND + "\"):\n  " + String.join("\n  ", found));
            }
        }
        assertThat(converted).as("converted lessons found").containsExactlyInAnyOrderElementsOf(CONVERTED);
        assertThat(problems).as("learner paths that break the rule (shared/CONVENTIONS.md, \"Lesson README sections\")")
                .isEmpty();
    }

    /** The rule itself, on small made-up READMEs, so that the check above cannot pass by checking nothing. */
    @Nested
    class TheRule {

        private static final String WIRE = "<!-- wire: 01/x -->\n```mermaid\nsequenceDiagram\n    C->>S: SYN\n```\n\n";
        private static final String GOOD = "# 01 · Title\n\nThe problem.\n\n" + WIRE + WIRE
                + "## Your turn\n\nTry.\n\n## The fix\n\nLoop.\n\n## Check yourself\n\n1. Why?\n\n"
                + "## Behind the lesson\n\nE-07, BUG-19, mutation score 94%.\n";

        @Test
        void a_readme_in_the_learner_order_passes_and_ids_behind_the_lesson_are_free() {
            assertThat(problems("r", GOOD)).isEmpty();
        }

        @Test
        void words_in_code_blocks_comments_and_link_targets_do_not_count_but_tables_and_inline_code_do() {
            assertThat(proseWords("One two.\n\n```java\nint a = b + c;\n```\n<!-- four five six -->\n")).isEqualTo(2);
            assertThat(proseWords("A [long link text](../docs/glossary.md#some-very-long-anchor).")).isEqualTo(4);
            assertThat(proseWords("| `read()` | returns -1 |\n|---|---|\n")).isEqualTo(3);
            assertThat(proseWords("```mermaid\nsequenceDiagram\n  C->>S: SYN\n```\n~~~\nx y z\n~~~\n")).isZero();
        }

        @Test
        void the_crude_count_keeps_comments_and_link_targets_and_skips_only_code_blocks() {
            assertThat(rawWords("One two.\n\n```java\nint a = b + c;\n```\n<!-- four five six -->\n")).isEqualTo(5);
            assertThat(rawWords("A [link](../docs/glossary.md#end-of-stream).")).isEqualTo(5);
        }

        @Test
        void the_learner_path_ends_at_behind_the_lesson() {
            assertThat(learnerPath("a\n## Behind the lesson\nb\n")).isEqualTo("a\n");
            assertThat(learnerPath("a\n### Behind the lesson, in a subsection\n")).contains("Behind");
        }

        @Test
        void too_many_words_are_reported_with_the_count() {
            String longPath = GOOD.replace("The problem.", "word ".repeat(MAX_WORDS));
            assertThat(problems("r", longPath)).hasSize(2).allSatisfy(p -> assertThat(p).contains("more than 2000"))
                    .anySatisfy(p -> assertThat(p).contains("words of prose"))
                    .anySatisfy(p -> assertThat(p).contains("with comments and link targets"));
        }

        @Test
        void link_targets_alone_can_break_the_crude_budget() {
            String links = "[w](../docs/glossary.md#end-of-stream) ".repeat(MAX_WORDS / 4 + 1);
            assertThat(problems("r", GOOD.replace("The problem.", links))).singleElement().asString()
                    .contains("with comments and link targets");
        }

        @Test
        void a_catalogue_id_or_a_mutation_score_before_behind_the_lesson_is_reported_but_not_in_code() {
            assertThat(problems("r", GOOD.replace("The problem.", "The problem (E-07)."))).singleElement().asString()
                    .contains("[E-07]");
            assertThat(problems("r", GOOD.replace("The problem.", "Mutation score: 94%."))).singleElement().asString()
                    .contains("mutation scores");
            assertThat(problems("r", GOOD.replace("The problem.", "Checked with CRC-32."))).isEmpty();
            assertThat(problems("r", GOOD.replace("The problem.", "Call `BUG-19` or\n\n```java\n// E-07\n```\n")))
                    .isEmpty();
        }

        @Test
        void fewer_than_two_wire_pictures_before_behind_the_lesson_are_reported() {
            String one = GOOD.replaceFirst(Pattern.quote(WIRE), "");
            assertThat(problems("r", one)).singleElement().asString().contains("shows 1 pictures");
            String moved = one.replaceFirst(Pattern.quote(WIRE), "") + WIRE;
            assertThat(problems("r", moved)).singleElement().asString().contains("shows 0 pictures");
        }

        @Test
        void the_fix_before_the_exercise_or_a_missing_section_is_reported() {
            String fixFirst = GOOD.replace("## Your turn\n\nTry.\n\n## The fix\n\nLoop.", "## The fix\n\nLoop.\n\n## Your turn\n\nTry.");
            assertThat(problems("r", fixFirst)).singleElement().asString()
                    .contains("\"## The fix\" comes before \"## Your turn\"");
            assertThat(problems("r", GOOD.replace("## Check yourself", "## Questions"))).singleElement().asString()
                    .contains("no \"## Check yourself\" section");
            assertThat(problems("r", GOOD.replace("## Behind the lesson", "## Evidence"))).contains(
                    "r: no \"## Behind the lesson\" heading; the evidence goes after the learner path under it");
        }
    }
}
