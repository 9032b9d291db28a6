package sockets.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every relative link in every Markdown file points at a file that exists, and at a heading that exists. */
class LinksTest {

    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern FENCE = Pattern.compile("^```.*?^```", Pattern.DOTALL | Pattern.MULTILINE);
    private static final Pattern INLINE_CODE = Pattern.compile("`[^`\\n]*`");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.+?)\\s*#*$", Pattern.MULTILINE);

    @Test
    void every_relative_link_resolves() {
        List<String> broken = new ArrayList<>();
        for (Path md : Repository.markdownFiles()) {
            String text = INLINE_CODE.matcher(FENCE.matcher(Repository.read(md)).replaceAll("")).replaceAll("");
            Matcher m = LINK.matcher(text);
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-zA-Z][a-zA-Z+.-]*:.*")) {
                    continue; // http:, https:, mailto: ...
                }
                String file = target;
                String anchor = null;
                int hash = target.indexOf('#');
                if (hash >= 0) {
                    file = target.substring(0, hash);
                    anchor = target.substring(hash + 1);
                }
                Path resolved = file.isEmpty() ? md : md.getParent().resolve(file).normalize();
                String where = Repository.relative(md) + ": (" + target + ")";
                if (!Files.exists(resolved)) {
                    broken.add(where + " → no such file");
                } else if (anchor != null && resolved.toString().endsWith(".md")
                        && !anchors(Repository.read(resolved)).contains(anchor)) {
                    broken.add(where + " → no heading with anchor #" + anchor);
                }
            }
        }
        assertThat(broken).as("broken relative links").isEmpty();
    }

    /** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, -1 -2 for repeats. */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new HashSet<>();
        Matcher m = HEADING.matcher(FENCE.matcher(markdown).replaceAll(""));
        while (m.find()) {
            String slug = slug(m.group(1));
            String unique = slug;
            for (int i = 1; anchors.contains(unique); i++) {
                unique = slug + "-" + i;
            }
            anchors.add(unique);
        }
        return anchors;
    }

    /** A heading's anchor as GitHub makes it (before the -1 -2 of repeats). */
    static String slug(String heading) {
        String text = heading.replaceAll("`", "").replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1");
        return Normalizer.normalize(text, Normalizer.Form.NFC).toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N}\\s_-]", "")
                .replace(' ', '-');
    }
}
