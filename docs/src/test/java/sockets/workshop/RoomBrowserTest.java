package sockets.workshop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The room page as an instructor sees it: rendered by a real headless browser (Debian's
 * {@code chromium}, which .ci/run installs; skipped with the reason when it is missing). Reported
 * runs appear in the rendered page, a hostile name is text and not markup, an oversized report is
 * refused with 413, and a client trickling its request meanwhile does not stop the page.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RoomBrowserTest {

    private static final Instant T0 = Instant.parse("2026-12-05T09:00:00Z");

    static String chromium() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            for (String name : List.of("chromium", "chromium-browser")) {
                if (Files.isExecutable(Path.of(dir, name))) {
                    return Path.of(dir, name).toString();
                }
            }
        }
        return null;
    }

    @Test
    void the_rendered_page_shows_the_reports_escapes_names_and_the_room_refuses_oversized_reports(@TempDir Path profile) throws Exception {
        String browser = chromium();
        assumeTrue(browser != null, "chromium is not installed (.ci/run installs it; Debian: apt-get install chromium): no headless-browser check");
        try (Room room = new Room(() -> T0.plusSeconds(20 * 60));
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            InetSocketAddress at = room.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            String url = "http://127.0.0.1:" + at.getPort();
            String image = "<img src=x onerror=\"document.title='owned'\">";
            String script = "<script>document.title='owned'</script>";
            for (String report : List.of(RoomTest.record(T0, "ann", "length-prefixed", "run", 6, 5, 7, 1),
                    RoomTest.record(T0, image, "delimited", "run", 3, 2, 7, 0), RoomTest.record(T0, script, "delimited", "run", 3, 2, 7, 0))) {
                assertThat(post(http, url, report).statusCode()).isEqualTo(204);
            }
            assertThat(post(http, url, "x".repeat(Room.MAX_BODY + 1)).statusCode()).isEqualTo(413);

            try (Socket trickling = new Socket(InetAddress.getLoopbackAddress(), at.getPort())) {
                OutputStream out = trickling.getOutputStream();
                out.write("POST /report HTTP/1.1\r\nHost: x\r\nContent-Length: 900\r\n\r\nti".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String dom = dumpDom(browser, profile, url + "/");
                assertThat(dom).as("no script ran: the title is the page's own").contains("<title>The room</title>");
                assertThat(dom).contains("<th>ann</th>").contains("5/7 stages").contains("on stage 6 for 20 min");
                assertThat(dom).as("the hostile names are text").contains("&lt;img src=x onerror=\"document.title='owned'\"&gt;")
                        .contains("&lt;script&gt;document.title='owned'&lt;/script&gt;").doesNotContain("<img").doesNotContain("<script>");
            }
        }
    }

    private static HttpResponse<String> post(HttpClient http, String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url + "/report")).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The page's DOM after the browser has loaded and run it. */
    private static String dumpDom(String browser, Path profile, String url) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(browser, "--headless", "--disable-gpu", "--no-first-run", "--disable-extensions",
                "--user-data-dir=" + profile, "--dump-dom", url));
        if ("root".equals(System.getProperty("user.name"))) {
            command.add(1, "--no-sandbox"); // chromium refuses to run as root with its sandbox
        }
        Path output = profile.resolve("dom.html");
        Process p = new ProcessBuilder(command).redirectOutput(output.toFile()).redirectError(profile.resolve("stderr.txt").toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within 90 s");
        }
        String dom = Files.readString(output);
        assertThat(dom).as("chromium's output (stderr: %s)", Files.readString(profile.resolve("stderr.txt"))).isNotBlank();
        return dom;
    }
}
