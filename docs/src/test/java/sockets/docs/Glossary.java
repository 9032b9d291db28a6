package sockets.docs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code docs/glossary.md} as data, and the rule a lesson README is held to: the first time its
 * prose uses a glossary word, that use is a link to the word's entry, or the word alone in bold
 * where the lesson defines it.
 *
 * <p>An entry is a {@code ###} heading whose text names its words, separated by commas
 * ({@code ### IPv4, IPv6}), optionally followed by a comment that lists more forms which count as
 * the same word, and (case-sensitive) look-alikes that do not: {@code <!-- also: reset, connection
 * reset; not: Windows -->}. Words match case-insensitively, with a plural {@code s} or {@code es},
 * a hyphen or a space (or line break) between their parts alike; a hyphenated compound is a word of
 * its own ({@code non-blocking} is not a use of {@code blocking}), and where words overlap the
 * longest wins ({@code zero window} is not a use of {@code window}).
 *
 * <p>Only prose counts: not code blocks (Mermaid included), inline code, HTML comments, headings,
 * link targets or bare URLs.
 */
final class Glossary {

    /** One entry: its heading, its anchor, the words that count as it, the look-alikes that do not. */
    record Entry(String heading, String anchor, List<String> words, Set<String> not, String body) {
    }

    /** A use of a word in a Markdown file: where it is, what it says, which entry it belongs to. */
    record Use(Entry entry, int start, int end, String text) {
    }

    private static final Pattern ENTRY = Pattern.compile("^### (.+?)\\s*$", Pattern.MULTILINE);
    private static final Pattern NEXT_SECTION = Pattern.compile("^#{1,3} ", Pattern.MULTILINE);
    private static final Pattern WORDS_COMMENT = Pattern.compile("<!--\\s*(.*?)\\s*-->", Pattern.DOTALL);
    private static final Pattern FENCE = Pattern.compile("^(```|~~~).*?^\\1[^\\n]*$", Pattern.DOTALL | Pattern.MULTILINE);
    private static final Pattern COMMENT = Pattern.compile("<!--.*?-->", Pattern.DOTALL);
    private static final Pattern INLINE_CODE = Pattern.compile("`[^`\\n]*`");
    private static final Pattern LINK = Pattern.compile("\\[([^\\]\\n]*(?:\\n[^\\]\\n]+)*)\\]\\(([^)\\s]*)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s.*$", Pattern.MULTILINE);
    private static final Pattern URL = Pattern.compile("https?://\\S+");

    private final List<Entry> entries;
    private final Pattern words;
    private final List<Entry> byGroup = new ArrayList<>();

    private Glossary(List<Entry> entries) {
        this.entries = List.copyOf(entries);
        Map<String, Entry> owner = new LinkedHashMap<>();
        for (Entry e : entries) {
            for (String w : e.words()) {
                owner.putIfAbsent(w.toLowerCase(Locale.ROOT), e);
            }
        }
        List<String> all = new ArrayList<>(owner.keySet());
        all.sort(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()));
        StringBuilder alternatives = new StringBuilder();
        for (String w : all) {
            alternatives.append(alternatives.isEmpty() ? "" : "|").append('(').append(wordPattern(w)).append(')');
            byGroup.add(owner.get(w));
        }
        this.words = Pattern.compile("(?<![\\w-])(?:" + alternatives + ")(?:e?s)?(?![\\w-])",
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    /** Reads the entries of a glossary page. */
    static Glossary parse(String markdown) {
        List<Entry> entries = new ArrayList<>();
        String text = blank(markdown, FENCE);
        Matcher m = ENTRY.matcher(text);
        while (m.find()) {
            String heading = m.group(1);
            Matcher next = NEXT_SECTION.matcher(text);
            int end = next.find(m.end()) ? next.start() : text.length();
            String body = markdown.substring(m.end(), end).strip();
            List<String> words = new ArrayList<>();
            Set<String> not = new TreeSet<>();
            for (String w : heading.split(",")) {
                words.add(w.strip());
            }
            Matcher comment = WORDS_COMMENT.matcher(body);
            if (comment.find() && comment.start() == 0) {
                for (String part : comment.group(1).split(";")) {
                    String p = part.strip();
                    if (p.startsWith("also:")) {
                        for (String w : p.substring(5).split(",")) {
                            words.add(w.strip());
                        }
                    } else if (p.startsWith("not:")) {
                        for (String w : p.substring(4).split(",")) {
                            not.add(w.strip());
                        }
                    }
                }
            }
            entries.add(new Entry(heading, LinksTest.slug(heading), List.copyOf(words), Set.copyOf(not), body));
        }
        return new Glossary(entries);
    }

    List<Entry> entries() {
        return entries;
    }

    /** "half-close" as a pattern: its parts joined by any run of spaces and hyphens. */
    private static String wordPattern(String word) {
        StringBuilder p = new StringBuilder();
        for (String part : word.split("[\\s-]+")) {
            p.append(p.isEmpty() ? "" : "[\\s-]+").append(Pattern.quote(part));
        }
        return p.toString();
    }

    /** {@code text} with every match of {@code p} turned into spaces (line breaks kept, so offsets and lines hold). */
    private static String blank(String text, Pattern p) {
        StringBuilder out = new StringBuilder(text);
        Matcher m = p.matcher(text);
        while (m.find()) {
            for (int i = m.start(); i < m.end(); i++) {
                if (out.charAt(i) != '\n') {
                    out.setCharAt(i, ' ');
                }
            }
        }
        return out.toString();
    }

    private record Link(int textStart, int textEnd, String target) {
    }

    /** Every use of a glossary word in the prose of {@code markdown}, in order. */
    List<Use> uses(String markdown) {
        return scan(markdown).uses();
    }

    private record Scan(List<Use> uses, List<Link> links) {
    }

    private Scan scan(String markdown) {
        String code = blank(blank(blank(markdown, FENCE), COMMENT), INLINE_CODE);
        List<Link> links = new ArrayList<>();
        Matcher l = LINK.matcher(code);
        StringBuilder prose = new StringBuilder(code);
        while (l.find()) {
            links.add(new Link(l.start(1), l.end(1), l.group(2)));
            for (int i = l.end(1); i < l.end(); i++) {
                prose.setCharAt(i, ' '); // the target, not the words
            }
        }
        String text = blank(blank(prose.toString(), HEADING), URL);
        List<Use> uses = new ArrayList<>();
        Matcher m = words.matcher(text);
        while (m.find()) {
            Entry entry = null;
            for (int g = 1; g <= m.groupCount(); g++) {
                if (m.group(g) != null) {
                    entry = byGroup.get(g - 1);
                    break;
                }
            }
            if (entry != null && !entry.not().contains(m.group())) {
                uses.add(new Use(entry, m.start(), m.end(), m.group()));
            }
        }
        return new Scan(uses, links);
    }

    /** The first uses in a README that break the rule, with what it takes to link them from there. */
    private record Untaught(List<Use> uses, List<Link> links, String relativeGlossary) {
        String link(Use use) {
            return "[" + use.text().replaceAll("\\s+", " ") + "](" + relativeGlossary + "#" + use.entry().anchor() + ")";
        }
    }

    private Untaught untaught(Path file, String readme, Path glossary) {
        Scan scan = scan(readme);
        Path dir = file.toAbsolutePath().getParent();
        Set<Entry> seen = new java.util.HashSet<>();
        List<Use> untaught = new ArrayList<>();
        for (Use use : scan.uses()) {
            if (seen.add(use.entry()) // only the first use of each entry matters
                    && !linkedToEntry(use, scan.links(), dir, glossary) && !definedInBold(readme, use)) {
                untaught.add(use);
            }
        }
        return new Untaught(untaught, scan.links(), dir.relativize(glossary.toAbsolutePath()).toString().replace('\\', '/'));
    }

    /**
     * What is wrong with {@code readme} (the text of the file at {@code file}): one line per word
     * whose first use is neither a link to its entry in {@code glossary} nor the word alone in bold.
     * Each says where, which word, and the exact link to write there.
     */
    List<String> firstUseProblems(Path file, String readme, Path glossary, String where) {
        Untaught untaught = untaught(file, readme, glossary);
        List<String> problems = new ArrayList<>();
        for (Use use : untaught.uses()) {
            String word = use.text().replaceAll("\\s+", " ");
            problems.add(where + " line " + lineOf(readme, use.start()) + ": \"" + word + "\" is a glossary word (entry \""
                    + use.entry().heading() + "\"), first used here without being taught: " + excerpt(readme, use)
                    + "\n    Make this first use a link: " + untaught.link(use)
                    + "\n    or, if the lesson defines the word right here, write it alone in bold, **" + word
                    + "**, and say what it means in the same sentence.");
        }
        return problems;
    }

    /**
     * {@code readme} with each first use that breaks the rule turned into a link to its entry, except
     * where the use sits inside another link's text (a link cannot hold a link: that one is for the
     * writer to rephrase).
     */
    String linkFirstUses(Path file, String readme, Path glossary) {
        Untaught untaught = untaught(file, readme, glossary);
        StringBuilder out = new StringBuilder(readme);
        for (int i = untaught.uses().size() - 1; i >= 0; i--) {
            Use use = untaught.uses().get(i);
            if (untaught.links().stream().noneMatch(l -> l.textStart() <= use.start() && use.start() < l.textEnd())) {
                out.replace(use.start(), use.end(), "[" + use.text() + "](" + untaught.relativeGlossary() + "#"
                        + use.entry().anchor() + ")");
            }
        }
        return out.toString();
    }

    private static boolean linkedToEntry(Use use, List<Link> links, Path dir, Path glossary) {
        for (Link link : links) {
            if (link.textStart() <= use.start() && use.end() <= link.textEnd()) {
                int hash = link.target().indexOf('#');
                if (hash < 0 || link.target().matches("^[a-zA-Z][a-zA-Z+.-]*:.*")) {
                    return false;
                }
                Path target = dir.resolve(link.target().substring(0, hash)).normalize();
                return target.equals(glossary.toAbsolutePath().normalize())
                        && link.target().substring(hash + 1).equals(use.entry().anchor());
            }
        }
        return false;
    }

    private static boolean definedInBold(String text, Use use) {
        return use.start() >= 2 && text.startsWith("**", use.start() - 2) && text.startsWith("**", use.end());
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /** The words around a use, on one line, with the use marked: "... the three-way »handshake« (SYN ...". */
    private static String excerpt(String text, Use use) {
        int from = Math.max(0, use.start() - 50);
        int to = Math.min(text.length(), use.end() + 50);
        return "\"" + (from > 0 ? "…" : "") + (text.substring(from, use.start()) + "»" + text.substring(use.start(), use.end())
                + "«" + text.substring(use.end(), to)).replaceAll("\\s+", " ").strip() + (to < text.length() ? "…" : "") + "\"";
    }
}
