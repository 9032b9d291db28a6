package sockets.workshop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The instructor's room (docs/room) over real HTTP on loopback, port 0: reports appear in the page
 * and the CSV, stuck learners first; hostile names are text; oversized, unknown and excess reports
 * are refused with their status; a client that trickles its request holds up nobody; collected
 * history files load; docs/progress --send reaches it. The clock is the test's, so "stuck" and
 * "idle" do not depend on how fast this machine is.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RoomTest {

    private static final Instant T0 = Instant.parse("2026-12-05T09:00:00Z");
    private final AtomicReference<Instant> now = new AtomicReference<>(T0);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private Room room;
    private String url;

    @BeforeEach
    void start() throws IOException {
        room = new Room(now::get);
        InetSocketAddress at = room.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        url = "http://127.0.0.1:" + at.getPort();
    }

    @AfterEach
    void stop() {
        room.close();
        http.close();
    }

    static String record(Instant time, String user, String exercise, String event, int stage, int passed, int total, int hints) {
        String[] values = {time.toString(), user, "02-framing", exercise, event, Integer.toString(stage), Integer.toString(passed),
            Integer.toString(total), Integer.toString(hints)};
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            s.append(i == 0 ? "" : "&").append(Room.FIELDS.get(i)).append('=').append(URLEncoder.encode(values[i], StandardCharsets.UTF_8));
        }
        return s.toString();
    }

    private HttpResponse<String> post(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url + "/report")).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void reported_runs_appear_in_the_page_and_the_csv_with_attempts_hints_and_time_on_stage() throws Exception {
        assertThat(post(record(T0, "ann", "length-prefixed", "run", 6, 5, 7, 0)).statusCode()).isEqualTo(204);
        assertThat(post(record(T0.plusSeconds(60), "ann", "length-prefixed", "hint", 6, 5, 7, 1)).statusCode()).isEqualTo(204);
        assertThat(post(record(T0.plusSeconds(120), "ann", "length-prefixed", "run", 6, 5, 7, 1)).statusCode()).isEqualTo(204);
        assertThat(post(record(T0.plusSeconds(120), "bob", "delimited", "run", 0, 7, 7, 0)).statusCode()).isEqualTo(204);
        now.set(T0.plusSeconds(600));

        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("<th>ann</th>", "<th>bob</th>", "02-framing/length-prefixed", "5/7 stages",
                "on stage 6 for 10 min", "2 runs, 1 hint", "7/7 stages");
        assertThat(get("/room.csv").body().lines().toList()).containsExactly(
                "user,lesson,exercise,passed,total,stage,runs,hints,seconds_on_stage,seconds_since_report,stuck,done",
                "ann,02-framing,length-prefixed,5,7,6,2,1,600,480,false,false",
                "bob,02-framing,delimited,7,7,0,1,0,0,480,false,true");
    }

    @Test
    void stuck_learners_come_first_and_silent_ones_are_idle() throws Exception {
        post(record(T0, "ann", "delimited", "run", 2, 1, 7, 0));
        for (int i = 0; i < Room.STUCK_ATTEMPTS; i++) {
            post(record(T0.plusSeconds(i), "zed", "length-prefixed", "run", 4, 3, 7, 0));
        }
        now.set(T0.plusSeconds(5 * 60));
        String page = get("/").body();
        assertThat(page.indexOf("<th>zed</th>")).isLessThan(page.indexOf("<th>ann</th>"));
        assertThat(page).contains("class=\"stuck\"").contains("1 stuck, 0 idle");
        now.set(T0.plus(Room.IDLE).plusSeconds(60));
        assertThat(get("/").body()).contains("2 idle").contains("(idle)");
    }

    @Test
    void a_hostile_name_is_shown_as_text_and_quoted_in_the_csv() throws Exception {
        String hostile = "<script>alert(1)</script>\"&'";
        assertThat(post(record(T0, hostile, "delimited", "run", 1, 0, 7, 0)).statusCode()).isEqualTo(204);
        String page = get("/").body();
        assertThat(page).doesNotContain("<script>").contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&amp;&#39;");
        assertThat(get("/").headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v).contains("default-src 'none'"));
        assertThat(Room.csvField("=HYPERLINK(\"x\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"");
    }

    @Test
    void oversized_unknown_missing_and_malformed_reports_are_refused_with_their_status() throws Exception {
        String big = record(T0, "ann", "delimited", "run", 1, 0, 7, 0) + "\n";
        assertThat(post(big.repeat(Room.MAX_BODY / big.length() + 1)).statusCode()).isEqualTo(413);
        HttpResponse<String> unknown = post(record(T0, "ann", "delimited", "run", 1, 0, 7, 0) + "&admin=1");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("unknown field: admin");
        assertThat(post("time=" + T0).body()).contains("missing field");
        assertThat(post(record(T0, "ann", "../../etc", "run", 1, 0, 7, 0)).statusCode()).isEqualTo(400);
        assertThat(post(record(T0, "ann", "delimited", "run", -1, 0, 7, 0)).statusCode()).isEqualTo(400);
        assertThat(post(record(T0, "a\nb", "delimited", "run", 1, 0, 7, 0)).statusCode()).isEqualTo(400);
        assertThat(post("").statusCode()).isEqualTo(400);
        assertThat(get("/nothing").statusCode()).isEqualTo(404);
        assertThat(get("/report").statusCode()).isEqualTo(405);
        assertThat(get("/room.csv").body().lines().count()).as("nothing was taken").isEqualTo(1);
    }

    @Test
    void the_number_of_learners_is_bounded() throws Exception {
        for (int i = 0; i < Room.MAX_LEARNERS; i++) {
            room.report(record(T0, "learner" + i, "delimited", "run", 1, 0, 7, 0));
        }
        assertThat(post(record(T0, "one-too-many", "delimited", "run", 1, 0, 7, 0)).statusCode()).isEqualTo(429);
        assertThat(post(record(T0, "learner7", "delimited", "run", 2, 1, 7, 0)).statusCode()).as("a known learner still reports").isEqualTo(204);
        assertThatThrownBy(() -> Room.parse("user=x")).isInstanceOf(Room.Refused.class);
    }

    @Test
    void a_client_that_trickles_its_request_does_not_stop_the_others() throws Exception {
        try (Socket slow = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(url.substring(url.lastIndexOf(':') + 1)))) {
            OutputStream out = slow.getOutputStream();
            out.write("POST /report HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\ntime=".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // The slow request is still open; others are served meanwhile.
            assertThat(post(record(T0, "ann", "delimited", "run", 1, 0, 7, 0)).statusCode()).isEqualTo(204);
            assertThat(get("/").body()).contains("<th>ann</th>");
        }
    }

    @Test
    void collected_history_files_load_for_after_the_day(@TempDir Path dir) throws IOException {
        Path ann = Files.createDirectories(dir.resolve("ann/02-framing/.progress"));
        Files.write(ann.resolve("delimited.history"), List.of(CourseProgress.HEADER,
                T0 + ",ann,02-framing,delimited,run,3,2,7,0",
                T0.plusSeconds(30) + ",ann,02-framing,delimited,run,0,7,7,0",
                "garbage line"));
        assertThat(room.load(dir)).isEqualTo(2);
        assertThat(room.csv()).contains("ann,02-framing,delimited,7,7,0,2,0,0,");
    }

    @Test
    void docs_progress_sends_the_history_and_exports_it(@TempDir Path root) throws Exception {
        Path progress = Files.createDirectories(root.resolve("02-framing/.progress"));
        Files.write(progress.resolve("delimited.history"), List.of(CourseProgress.HEADER, T0 + ",cy,02-framing,delimited,run,3,2,7,1"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertThat(CourseProgress.run(root, List.of("--send", url), print, print)).as(out.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(get("/room.csv").body()).contains("cy,02-framing,delimited,2,7,3,1,1,");
        assertThat(CourseProgress.export(root)).isEqualTo(CourseProgress.HEADER + "\n" + T0 + ",cy,02-framing,delimited,run,3,2,7,1\n");
        room.close();
        assertThat(CourseProgress.run(root, List.of("--send", url), print, print)).as("no room: a clear failure, not a hang").isEqualTo(1);
    }
}
