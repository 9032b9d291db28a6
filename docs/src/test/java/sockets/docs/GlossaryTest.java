package sockets.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Every word in {@code docs/glossary.md} is taught, or linked to its entry, where a lesson README
 * first uses it; and the glossary itself is in order: one entry per word, each pointing at a lesson
 * that shows it. The rule, for README writers, is in {@code docs/contributing.md} ("The glossary
 * rule"); {@link Glossary} says exactly what counts as a use.
 */
class GlossaryTest {

    private static final boolean UPDATE = Boolean.getBoolean("glossary.update");
    private static final String UPDATE_COMMAND =
            "./mvnw -pl docs -am verify -Dtest=GlossaryTest -Dsurefire.failIfNoSpecifiedTests=false -Dglossary.update=true";

    private static Path glossaryFile() {
        return Repository.root().resolve("docs/glossary.md");
    }

    private static Glossary glossary() {
        return Glossary.parse(Repository.read(glossaryFile()));
    }

    private static List<Path> lessonReadmes() throws IOException {
        try (Stream<Path> dirs = Files.list(Repository.root())) {
            return dirs.filter(d -> d.getFileName().toString().matches("0\\d-.*"))
                    .map(d -> d.resolve("README.md")).filter(Files::isRegularFile).sorted().toList();
        }
    }

    @Test
    void every_lesson_readme_links_or_defines_each_glossary_word_where_it_first_uses_it() throws IOException {
        Glossary glossary = glossary();
        List<String> problems = new ArrayList<>();
        List<Path> readmes = lessonReadmes();
        assertThat(readmes).as("lesson READMEs").hasSize(7);
        for (Path readme : readmes) {
            String text = Repository.read(readme);
            if (UPDATE) {
                String linked = glossary.linkFirstUses(readme, text, glossaryFile());
                if (!linked.equals(text)) {
                    Files.writeString(readme, linked);
                    text = linked;
                }
            }
            problems.addAll(glossary.firstUseProblems(readme, text, glossaryFile(), Repository.relative(readme)));
        }
        assertThat(problems).as("glossary words used before they are taught (see \"The glossary rule\" in"
                + " docs/contributing.md; " + UPDATE_COMMAND + " links every first use that is not inside another"
                + " link)").isEmpty();
    }

    @Test
    void the_glossary_has_one_entry_per_word_in_alphabetical_order_each_showing_a_lesson() {
        List<Glossary.Entry> entries = glossary().entries();
        assertThat(entries).as("glossary entries").hasSizeGreaterThan(40);
        List<String> problems = new ArrayList<>();
        Map<String, String> owner = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            Glossary.Entry e = entries.get(i);
            if (i > 0 && entries.get(i - 1).heading().compareToIgnoreCase(e.heading()) >= 0) {
                problems.add("\"" + e.heading() + "\" comes after \"" + entries.get(i - 1).heading() + "\": keep the entries alphabetical");
            }
            for (String word : e.words()) {
                String previous = owner.put(word.toLowerCase(Locale.ROOT), e.heading());
                if (previous != null) {
                    problems.add("\"" + word + "\" belongs to both \"" + previous + "\" and \"" + e.heading() + "\"");
                }
            }
            if (!e.body().matches("(?s).*\\]\\(\\.\\./0\\d-[^/)]+/README\\.md[^)]*\\).*")) {
                problems.add("\"" + e.heading() + "\" links no lesson: add the lesson that shows it, as [lesson NN](../NN-name/README.md)");
            }
            if (e.body().replaceAll("<!--.*?-->", "").isBlank()) {
                problems.add("\"" + e.heading() + "\" says nothing");
            }
        }
        assertThat(problems).as("glossary problems").isEmpty();
    }

    /** The rule itself, on small made-up READMEs, so that the check above cannot pass by checking nothing. */
    @Nested
    class TheRule {

        private final Glossary glossary = Glossary.parse("""
                # Glossary

                ## Terms

                ### FIN
                <!-- also: orderly close -->

                The last flag. [Lesson 07](../07-x/README.md).

                ### Half-close

                One way only.

                ### Window
                <!-- also: receive window; not: Windows -->

                Space left.

                ### Zero window

                No space.
                """);
        private final Path readme = Path.of("/course/01-x/README.md");
        private final Path glossaryPath = Path.of("/course/docs/glossary.md");

        private List<String> problems(String markdown) {
            return glossary.firstUseProblems(readme, markdown, glossaryPath, "01-x/README.md");
        }

        private List<String> used(String markdown) {
            return glossary.uses(markdown).stream().map(u -> u.entry().heading() + ":" + u.text()).toList();
        }

        @Test
        void an_unlinked_first_use_is_reported_with_its_file_line_word_and_the_link_to_write() {
            List<String> problems = problems("# 01\n\nIntro.\n\nThe client sends a FIN and waits.\n");
            assertThat(problems).hasSize(1);
            assertThat(problems.get(0)).startsWith("01-x/README.md line 5: \"FIN\" is a glossary word (entry \"FIN\")")
                    .contains("»FIN«").contains("[FIN](../docs/glossary.md#fin)").contains("**FIN**");
        }

        @Test
        void a_first_use_linked_to_its_entry_passes_and_later_uses_are_free() {
            assertThat(problems("Send a [FIN](../docs/glossary.md#fin). Then another FIN.\n")).isEmpty();
            assertThat(problems("The [window closes](../docs/glossary.md#window), later the window opens.\n")).isEmpty();
        }

        @Test
        void a_link_to_another_entry_or_another_page_is_not_a_link_to_the_word() {
            assertThat(problems("A [FIN](../docs/glossary.md#window).\n")).hasSize(1);
            assertThat(problems("A [FIN](../07-x/README.md#fin).\n")).hasSize(1);
            assertThat(problems("A [FIN](glossary.md#fin).\n")).as("resolves to 01-x/glossary.md").hasSize(1);
            assertThat(problems("A [FIN](https://example.org/docs/glossary.md#fin).\n")).hasSize(1);
            assertThat(problems("A [FIN](../docs/glossary.md).\n")).hasSize(1);
        }

        @Test
        void only_the_first_use_counts_a_link_later_does_not_help() {
            List<String> problems = problems("A FIN.\n\nA [FIN](../docs/glossary.md#fin).\n");
            assertThat(problems).hasSize(1);
            assertThat(problems.get(0)).contains("line 1:");
        }

        @Test
        void the_word_alone_in_bold_defines_it_but_a_bold_phrase_around_it_does_not() {
            assertThat(problems("A **FIN** is the flag that ends a direction.\n")).isEmpty();
            assertThat(problems("**Send a FIN** and wait.\n")).hasSize(1);
            assertThat(problems("A *FIN* is the flag.\n")).hasSize(1);
        }

        @Test
        void code_blocks_mermaid_inline_code_comments_headings_and_link_targets_are_not_prose() {
            assertThat(used("""
                    # The FIN lesson

                    ## FIN and half-close

                    ```java
                    socket.shutdownOutput(); // sends FIN
                    ```

                    ```mermaid
                    sequenceDiagram
                        C->>S: FIN
                    ```

                    Call `FIN` here. <!-- a FIN --> See [the page](../docs/fin-and-window.md) and
                    https://example.org/window.
                    """)).isEmpty();
        }

        @Test
        void words_match_in_any_case_in_the_plural_and_across_a_line_break() {
            assertThat(used("fin, FINs, Half-Closes, half close, half-\nclose, a receive\nwindow, windows.")).containsExactly(
                    "FIN:fin", "FIN:FINs", "Half-close:Half-Closes", "Half-close:half close", "Half-close:half-\nclose",
                    "Window:receive\nwindow", "Window:windows");
        }

        @Test
        void the_longest_word_wins_and_a_hyphenated_compound_or_a_look_alike_is_not_a_use() {
            assertThat(used("a zero window; a window-sized buffer; a FIN-ACK; finish; Windows; an orderly close."))
                    .containsExactly("Zero window:zero window", "FIN:orderly close");
        }

        @Test
        void each_word_is_judged_by_its_own_first_use() {
            List<String> problems = problems("A [FIN](../docs/glossary.md#fin) and a zero window and a window.\n");
            assertThat(problems).hasSize(2);
            assertThat(problems.get(0)).contains("\"zero window\"").contains("#zero-window");
            assertThat(problems.get(1)).contains("\"window\"").contains("[window](../docs/glossary.md#window)");
        }

        @Test
        void the_update_links_each_unlinked_first_use_except_inside_another_link() {
            String before = "A FIN, a [half-close](../07-x/README.md), a **window** and a FIN.\nThen a half-close.\n";
            assertThat(glossary.linkFirstUses(readme, before, glossaryPath)).isEqualTo(
                    "A [FIN](../docs/glossary.md#fin), a [half-close](../07-x/README.md), a **window** and a FIN.\n"
                            + "Then a half-close.\n");
            assertThat(problems(glossary.linkFirstUses(readme, "Two FINs and a zero window.\n", glossaryPath))).isEmpty();
        }

        @Test
        void entries_carry_their_heading_anchor_words_and_look_alikes() {
            Glossary.Entry window = glossary.entries().get(2);
            assertThat(window.heading()).isEqualTo("Window");
            assertThat(window.anchor()).isEqualTo("window");
            assertThat(window.words()).containsExactly("Window", "receive window");
            assertThat(window.not()).containsExactly("Windows");
            assertThat(glossary.entries().get(1).words()).containsExactly("Half-close");
            assertThat(glossary.entries()).extracting(Glossary.Entry::anchor)
                    .containsExactly("fin", "half-close", "window", "zero-window");
        }
    }
}
