package sockets.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every performance claim of the source documents has a row in docs/measured-claims.md with a
 * verdict and a command that reproduces it. The claim IDs come from the project catalogue's index
 * ("Performance claims → benchmarks") when the catalogue is beside the repository, as in CI; the
 * list below is the same index, so the check also runs on a clone alone.
 */
class MeasuredClaimsTest {

    private static final List<String> KNOWN_CLAIMS =
            List.of("E-13", "F-08", "F-12", "F-14", "S-03", "S-05", "S-15", "S-16", "U-08", "T-03", "T-04", "H-04");

    static Set<String> claimIds() {
        Set<String> ids = new LinkedHashSet<>(KNOWN_CLAIMS);
        Path catalogue = Repository.root().resolveSibling("shared").resolve("CATALOGUE.md");
        if (Files.isReadable(catalogue)) {
            String text = Repository.read(catalogue);
            Matcher index = Pattern.compile("Performance claims → benchmarks:\\*\\*(.*)").matcher(text);
            if (index.find()) {
                Matcher id = Pattern.compile("\\b[EFSUTH]-\\d{2}\\b").matcher(index.group(1));
                while (id.find()) {
                    ids.add(id.group());
                }
            }
        }
        return ids;
    }

    @Test
    void every_performance_claim_has_a_row_with_a_verdict_and_a_reproduction_command() {
        String page = Repository.read(Repository.root().resolve("docs/measured-claims.md"));
        // Sections start with "## ID" (one or more IDs); each must say "**Verdict:" and show a command.
        List<String> missing = new ArrayList<>();
        for (String id : claimIds()) {
            Matcher section = Pattern.compile("^## [^\\n]*\\b" + Pattern.quote(id) + "\\b.*?(?=^## |\\z)",
                    Pattern.MULTILINE | Pattern.DOTALL).matcher(page);
            if (!section.find()) {
                missing.add(id + ": no section");
                continue;
            }
            String body = section.group();
            if (!body.contains("**Verdict:")) {
                missing.add(id + ": no verdict");
            }
            if (!body.contains("./mvnw") && !body.contains("docs/measure.sh") && !body.contains("run-benchmarks.sh")) {
                missing.add(id + ": no reproduction command");
            }
        }
        assertThat(missing).as("claims without a measured verdict in docs/measured-claims.md").isEmpty();
    }
}
