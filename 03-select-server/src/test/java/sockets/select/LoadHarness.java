package sockets.select;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Measures echo servers side by side, in one run, with a neutral C load generator on loopback
 * ({@code echoload} from the course's shared tools; not part of this project).
 *
 * <ul>
 * <li>reference: {@link SelectEchoServer}, a minimal Netty echo server shaped like Netty's echo
 *     example ({@code src/load/java/.../NettyEchoServer.java}, NIO transport, run from source
 *     with {@code -Pload}), and a C epoll server; 64-byte request/response on 1, 50 and 500
 *     connections ({@code rr50}: only 50), and 64 KiB bulk echo on one connection ({@code bulk});
 *     the median of several runs, the servers taking turns, because one run on a shared 2-core
 *     machine can be 30% off, and each run's ratio to the Netty run beside it.</li>
 * <li>scaling (S-15): the selector, a platform thread per connection, a virtual thread per
 *     connection, and Netty; request/response on 10, 100, 1,000 and 5,000 connections, with the
 *     server's CPU time per request, resident memory and thread count.</li>
 * <li>10k: 10,000 concurrent connections, each doing request/response.</li>
 * </ul>
 *
 * Run it (it needs {@code gcc} and the tools folder):
 * <pre>./mvnw -q -Pload -pl 03-select-server test-compile exec:exec -Dmain=sockets.select.LoadHarness -Dargs="--tools ../shared/tools"</pre>
 */
public final class LoadHarness {

    record Server(String name, List<String> command) {
    }

    record Load(String label, List<String> args) {
    }

    private final Path tools;
    private final Path work;
    private final int seconds;
    private final int repeat;
    private int warmUpSeconds = 2;
    private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private final String classpath = System.getProperty("java.class.path");
    private final List<Map<String, String>> results = new ArrayList<>();

    private LoadHarness(Path tools, int seconds, int repeat) {
        this.tools = tools;
        this.repeat = repeat;
        this.work = Path.of("target", "load");
        this.seconds = seconds;
    }

    public static void main(String[] args) throws Exception {
        Path tools = null;
        int seconds = 5;
        int repeat = 3;
        boolean quick = false;
        int warmUp = 2;
        List<String> parts = new ArrayList<>(List.of("reference", "bulk", "scaling", "10k"));
        List<Integer> counts = List.of(10, 100, 1000, 5000);
        List<String> scalingServers = List.of("select", "platform-threads", "virtual-threads", "netty");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                // Relative to the repository root: Maven runs this in the module's folder.
                case "--tools" -> tools = Path.of("..").resolve(args[++i]).normalize();
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--repeat" -> repeat = Integer.parseInt(args[++i]);
                case "--quick" -> quick = true;
                case "--warm-up" -> warmUp = Integer.parseInt(args[++i]);
                case "--only" -> parts = List.of(args[++i].split(","));
                case "--connections" -> counts = Arrays.stream(args[++i].split(",")).map(Integer::valueOf).toList();
                case "--servers" -> scalingServers = List.of(args[++i].split(","));
                default -> {
                    System.err.println("usage: LoadHarness --tools DIR [--seconds N] [--repeat N] [--quick] [--only reference,rr50,bulk,scaling,10k] [--warm-up N] [--connections 1,10,...] [--servers select,platform-threads,virtual-threads,netty,blocking-01]");
                    System.exit(2);
                }
            }
        }
        if (tools == null || !Files.isRegularFile(tools.resolve("echoload.c"))) {
            System.err.println("LoadHarness: give --tools, the folder with echoload.c and echosrv.c (the course's shared tools)");
            System.exit(2);
        }
        LoadHarness harness = new LoadHarness(tools.toAbsolutePath(), quick ? 2 : seconds, quick ? 1 : repeat);
        harness.warmUpSeconds = quick ? 1 : warmUp;
        harness.buildTools();
        if (parts.contains("reference") || parts.contains("rr50") || parts.contains("bulk")) {
            harness.reference(parts.contains("reference"), parts.contains("rr50"), parts.contains("bulk"));
        }
        if (parts.contains("scaling")) {
            harness.scaling(counts, scalingServers);
        }
        if (parts.contains("10k")) {
            harness.tenThousand();
        }
        harness.writeJson();
    }

    private void buildTools() throws Exception {
        Files.createDirectories(work);
        for (String tool : List.of("echoload", "echosrv")) {
            List<String> gcc = new ArrayList<>(List.of("gcc", "-O2", "-o", work.resolve(tool).toString(), tools.resolve(tool + ".c").toString()));
            if (tool.equals("echoload")) {
                gcc.add(1, "-pthread");
            }
            Process p = new ProcessBuilder(gcc).inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("gcc failed for " + tool);
            }
        }
    }

    private Server server(String name, int port) {
        String p = String.valueOf(port);
        List<String> jvm = List.of(java, "-Xms256m", "-Xmx2g", "-cp", classpath);
        List<String> command = new ArrayList<>();
        switch (name) {
            case "select" -> {
                command.addAll(jvm);
                command.addAll(List.of("sockets.select.SelectEchoServer", "--port", p));
            }
            case "netty" -> { // compiled from source at launch: the default build knows nothing of Netty
                command.addAll(jvm);
                command.addAll(List.of(Path.of("src", "load", "java", "sockets", "select", "NettyEchoServer.java").toString(), p));
            }
            case "platform-threads", "virtual-threads" -> {
                command.addAll(jvm);
                command.addAll(List.of("sockets.select.ThreadPerConnectionEchoServer", name.split("-")[0], p));
            }
            // SIGPIPE ignored (inherited through exec): otherwise the C server dies when a bulk load
            // generator exits mid-echo, and the next run of the same server finds nobody listening.
            case "c-epoll" -> command.addAll(List.of("sh", "-c", "trap '' PIPE; exec \"$0\" \"$1\"",
                    work.resolve("echosrv").toString(), p));
            case "blocking-01" -> { // lesson 01's one-client-at-a-time server, run from its source
                command.addAll(List.of(java, "-Xms256m", "-Xmx2g"));
                command.addAll(List.of(Path.of("..", "01-blocking-echo", "src", "main", "java", "sockets", "echo", "EchoServer.java")
                        .toString(), "--port", p));
            }
            default -> throw new IllegalArgumentException(name);
        }
        return new Server(name, command);
    }

    private void reference(boolean requestResponse, boolean rr50, boolean bulk) throws Exception {
        List<Load> loads = new ArrayList<>();
        if (requestResponse) {
            loads.add(new Load("rr 64 B × 1", List.of("rr", "1", "64")));
        }
        if (requestResponse || rr50) {
            loads.add(new Load("rr 64 B × 50", List.of("rr", "50", "64")));
        }
        if (requestResponse) {
            loads.add(new Load("rr 64 B × 500", List.of("rr", "500", "64")));
        }
        if (bulk) {
            loads.add(new Load("bulk 64 KiB × 1", List.of("bulk", "65536")));
        }
        List<String> servers = List.of("select", "netty", "c-epoll");
        System.out.println("\n## Reference: select vs Netty vs C epoll (" + seconds + " s per run, median of "
                + repeat + " runs, servers interleaved)\n");
        System.out.println("| load | server | req/s or MB/s (median) | all runs | p99 µs (median) | ratio to Netty | ratio to C | ratio to Netty, run by run: median (min–max) |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (Load load : loads) {
            Map<String, List<Double>> scores = new LinkedHashMap<>();
            Map<String, List<Double>> p99s = new LinkedHashMap<>();
            for (int run = 0; run < repeat; run++) {
                for (String name : servers) {
                    Map<String, String> r = measure("reference", name, load, true);
                    r.put("run", String.valueOf(run + 1));
                    scores.computeIfAbsent(name, k -> new ArrayList<>()).add(
                            Double.parseDouble(r.getOrDefault("rps", r.getOrDefault("MBps", "0"))));
                    p99s.computeIfAbsent(name, k -> new ArrayList<>()).add(Double.parseDouble(r.getOrDefault("p99_us", "0")));
                }
            }
            for (String name : servers) {
                double median = median(scores.get(name));
                // Each run's ratio to the Netty run next to it: the load of a shared machine drifts
                // between runs, and neighbours in time see nearly the same load.
                List<Double> ratios = new ArrayList<>();
                for (int run = 0; run < repeat; run++) {
                    double mine = scores.get(name).get(run), netty = scores.get("netty").get(run);
                    if (mine > 0 && netty > 0) { // 0: that run failed (its error is in results.json)
                        ratios.add(mine / netty);
                    }
                }
                System.out.printf("| %s | %s | %s | %s | %s | %s | %s | %s (%s–%s) |%n", load.label(), name, fmt(median),
                        scores.get(name).stream().map(LoadHarness::fmt).toList(), fmt(median(p99s.get(name))),
                        fmt(median / median(scores.get("netty"))), fmt(median / median(scores.get("c-epoll"))),
                        ratios.isEmpty() ? "-" : fmt(median(ratios)), fmt(ratios.stream().min(Double::compare).orElse(0.0)),
                        fmt(ratios.stream().max(Double::compare).orElse(0.0)));
            }
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private void scaling(List<Integer> connectionCounts, List<String> servers) throws Exception {
        System.out.println("\n## Scaling (S-15): request/response, 64 B (" + seconds + " s per run)\n");
        System.out.println("| connections | server | req/s | p50 µs | p99 µs | CPU µs per request | RSS MiB | threads |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (int conns : connectionCounts) {
            for (String name : servers) {
                if (name.equals("blocking-01") && conns > 50) {
                    // One client at a time, and a listen backlog of 50: the load generator's connects
                    // would wait on SYN retransmissions for minutes. Recorded, not run.
                    System.out.printf("| %d | %s | not run: serves one client at a time, backlog 50 | | | | | |%n", conns, name);
                    continue;
                }
                Map<String, String> r = measure("scaling", name, new Load("rr 64 B × " + conns, List.of("rr", String.valueOf(conns), "64")), true);
                System.out.printf("| %d | %s | %s | %s | %s | %s | %s | %s |%n", conns, name,
                        r.getOrDefault("rps", r.get("error")), r.getOrDefault("p50_us", ""), r.getOrDefault("p99_us", ""),
                        r.getOrDefault("cpu_us_per_request", ""), r.getOrDefault("rss_mib", ""), r.getOrDefault("threads", ""));
            }
        }
    }

    private void tenThousand() throws Exception {
        System.out.println("\n## 10,000 concurrent connections, request/response 64 B (" + seconds + " s)\n");
        System.out.println("| server | result | req/s | p99 µs | RSS MiB | threads |");
        System.out.println("|---|---|---|---|---|---|");
        for (String name : List.of("select", "virtual-threads", "netty")) {
            Map<String, String> r = measure("10k", name, new Load("rr 64 B × 10000", List.of("rr", "10000", "64")), false);
            System.out.printf("| %s | %s | %s | %s | %s | %s |%n", name, r.containsKey("error") ? "FAILED: " + r.get("error") : "held all 10,000",
                    r.getOrDefault("rps", ""), r.getOrDefault("p99_us", ""), r.getOrDefault("rss_mib", ""), r.getOrDefault("threads", ""));
        }
    }

    /** Starts a fresh server, optionally warms it up, runs one measured load, stops it. */
    private Map<String, String> measure(String part, String name, Load load, boolean warmUp) throws Exception {
        int port = freePort();
        Server server = server(name, port);
        Process process = new ProcessBuilder(server.command()).redirectErrorStream(true)
                .redirectOutput(work.resolve(name + ".log").toFile()).start();
        Map<String, String> row = new LinkedHashMap<>();
        row.put("part", part);
        row.put("server", name);
        row.put("load", load.label());
        try {
            awaitListening(port, process);
            if (warmUp) {
                runLoad(port, load, warmUpSeconds);
            }
            long[] cpuBefore = cpuTicks(process.pid());
            CompletableFuture<Map<String, String>> running = CompletableFuture.supplyAsync(() -> {
                try {
                    return runLoad(port, load, seconds);
                } catch (Exception e) {
                    return Map.of("error", String.valueOf(e));
                }
            });
            // Memory and threads are sampled half-way through, while every connection is open.
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds) / 2 + 1_000);
            Map<String, String> during = process.isAlive() ? status(process.pid()) : Map.of();
            Map<String, String> out = running.get();
            long[] cpuAfter = cpuTicks(process.pid());
            row.putAll(out);
            double cpuSeconds = (cpuAfter[0] + cpuAfter[1] - cpuBefore[0] - cpuBefore[1]) / 100.0;
            if (cpuAfter[0] >= 0) {
                row.put("server_cpu_s", fmt(cpuSeconds));
            }
            if (out.containsKey("rps") && cpuAfter[0] >= 0) {
                double requests = Double.parseDouble(out.get("rps")) * seconds;
                row.put("cpu_us_per_request", fmt(cpuSeconds * 1e6 / Math.max(1, requests)));
            }
            row.putAll(during);
        } finally {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        results.add(row);
        return row;
    }

    private Map<String, String> runLoad(int port, Load load, int secs) throws Exception {
        List<String> command = new ArrayList<>(List.of(work.resolve("echoload").toString(), load.args().get(0), "127.0.0.1",
                String.valueOf(port)));
        command.addAll(load.args().subList(1, load.args().size()));
        command.add(String.valueOf(secs));
        Process p = new ProcessBuilder(command).start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        String out = read(p.getInputStream());
        if (!p.waitFor(secs + 120L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return Map.of("error", "load generator did not finish");
        }
        Map<String, String> values = new LinkedHashMap<>();
        if (p.exitValue() != 0) {
            values.put("error", err.get().strip().replace('\n', ' '));
            return values;
        }
        for (String pair : out.strip().split("\\s+")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                values.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return values;
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void awaitListening(int port, Process process) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("server exited with status " + process.exitValue());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50); // polling a process we do not control: there is nothing to wait on
            }
        }
        throw new IllegalStateException("server did not start listening on " + port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * utime and stime of a process, in clock ticks (100 per second on Linux); -1 if it has exited.
     * (The C reference server dies of SIGPIPE when the bulk load generator exits mid-echo.)
     */
    private static long[] cpuTicks(long pid) throws IOException {
        String stat;
        try {
            stat = Files.readAllLines(Path.of("/proc", String.valueOf(pid), "stat")).getFirst();
        } catch (java.nio.file.NoSuchFileException exited) {
            return new long[] {-1, -1};
        }
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
    }

    private static Map<String, String> status(long pid) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                m.put("rss_mib", fmt(Long.parseLong(line.replaceAll("\\D", "")) / 1024.0));
            } else if (line.startsWith("Threads:")) {
                m.put("threads", line.replaceAll("\\D", ""));
            }
        }
        return m;
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, d >= 100 ? "%.0f" : "%.2f", d);
    }

    private void writeJson() throws IOException {
        StringBuilder json = new StringBuilder("[\n");
        for (int i = 0; i < results.size(); i++) {
            json.append("  {");
            int j = 0;
            for (Map.Entry<String, String> e : results.get(i).entrySet()) {
                json.append(j++ == 0 ? "" : ", ").append('"').append(e.getKey()).append("\": \"")
                        .append(e.getValue().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
            json.append(i == results.size() - 1 ? "}\n" : "},\n");
        }
        json.append("]\n");
        Path out = work.resolve("results.json");
        Files.writeString(out, json);
        System.out.println("\nresults: " + out.toAbsolutePath());
    }
}
