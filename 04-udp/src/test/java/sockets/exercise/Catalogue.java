package sockets.exercise;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.function.Executable;
import sockets.cli.Wire;

/**
 * The catalogue of wrong solutions and broken servers in {@code src/test/resources/catalogue}: each
 * is realistic code with one mistake a learner makes, and a header line saying where it must fail:
 * {@code fails: N | TEXT} (stage N fails, and its message contains TEXT) or {@code passes} (a
 * correct third-party server: every stage passes).
 *
 * <ul>
 * <li>{@code catalogue/checker/NAME.py|.c|.js}: a server for the lesson's wire checker. It prints its
 * port on its first line of output (it is given 0). C is compiled with {@code cc}; a language whose
 * tool is missing is skipped, not failed.</li>
 * <li>{@code catalogue/EXERCISE/NAME.java}: the exercise's stub, solved with one mistake. It is
 * compiled in this JVM and its stages run in this JVM, in a class loader where the stub's package
 * comes from the wrong solution.</li>
 * </ul>
 *
 * <p>With {@code -Dcatalogue.repeat=N} each item is run N times and must give the same verdict
 * every time ({@code ./mvnw -pl LESSON verify -Pcatalogue-repeat}); {@code -Dcatalogue.only=REGEX} keeps only
 * the items whose {@code DIRECTORY/NAME} it finds.
 */
public final class Catalogue {

    public static final Path ROOT = Path.of("src/test/resources/catalogue");
    private static final Pattern FAILS = Pattern.compile("fails: (\\d+) \\| (.+)");

    private Catalogue() {
    }

    /** Where an item must fail: its stage (0: it must pass every stage) and text of the message. */
    public record Expect(int stage, String text) {
    }

    public static Expect expect(Path item) throws IOException {
        for (String line : Files.readAllLines(item)) {
            Matcher m = FAILS.matcher(line);
            if (m.find()) {
                return new Expect(Integer.parseInt(m.group(1)), m.group(2).replaceFirst("\\s*\\*/\\s*$", "").strip());
            }
            if (line.matches("^\\W*passes\\b.*")) {
                return new Expect(0, "");
            }
        }
        throw new IOException(item + " has no line 'fails: N | TEXT' or 'passes'");
    }

    public static int repeat() {
        return Integer.getInteger("catalogue.repeat", 1);
    }

    public static List<Path> items(String directory, String... endings) throws IOException {
        Path dir = ROOT.resolve(directory);
        // -Dcatalogue.only=REGEX keeps the items whose DIRECTORY/NAME it finds (to repeat a few items many times)
        Pattern only = Pattern.compile(System.getProperty("catalogue.only", ""));
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> Stream.of(endings).anyMatch(e -> f.toString().endsWith(e)))
                    .filter(f -> only.matcher(directory + "/" + f.getFileName()).find()).sorted().toList();
        }
    }

    // ---- servers for the wire checker ----

    /** One test per server in {@code catalogue/checker}: it fails where its header says, or passes every stage. */
    public static Stream<DynamicTest> servers(List<Wire.Stage> stages) throws IOException {
        // All at once, each on its own thread: most of a broken server's time is a stage waiting out its patience.
        return eagerly(items("checker", ".py", ".c", ".js"), item -> server(item, stages));
    }

    interface Check {
        void run(Path item) throws Throwable;
    }

    /** Four items at a time: enough to overlap their waits, few enough that a loaded machine still runs each promptly. */
    private static final java.util.concurrent.ExecutorService POOL = java.util.concurrent.Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "catalogue");
        t.setDaemon(true);
        return t;
    });

    private static Stream<DynamicTest> eagerly(List<Path> items, Check check) {
        List<CompletableFuture<Throwable>> outcomes = items.stream().map(item -> CompletableFuture.supplyAsync(() -> {
            try {
                check.run(item);
                return (Throwable) null;
            } catch (Throwable t) {
                return t;
            }
        }, POOL)).toList();
        return java.util.stream.IntStream.range(0, items.size()).mapToObj(i -> DynamicTest.dynamicTest(items.get(i).getParent().getFileName() + "/" + items.get(i).getFileName(), () -> {
            // Items queue for the pool, and each runs its stages repeat() times: the bound grows with both.
            Throwable t = outcomes.get(i).get(5L * repeat(), TimeUnit.MINUTES);
            if (t != null) {
                throw t;
            }
        }));
    }

    private static void server(Path item, List<Wire.Stage> stages) throws Exception {
        Expect expect = expect(item);
        List<String> command = command(item);
        org.junit.jupiter.api.Assumptions.assumeTrue(command != null, "no tool to run " + item.getFileName() + " on this machine");
        int runs = repeat();
        List<String> verdicts = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            // A fresh process for every stage, so each verdict is about that stage alone.
            List<Integer> numbers = expect.stage == 0 ? java.util.stream.IntStream.rangeClosed(1, stages.size()).boxed().toList()
                    : List.of(expect.stage);
            // One stage after another, each against a process of its own: stages side by side would load the
            // machine enough to fail a correct server's 200-clients stage.
            for (int number : numbers) {
                String problem = againstProcess(command, stages.get(number - 1), number, expect.text.startsWith("gone"));
                if (expect.stage == 0) {
                    org.assertj.core.api.Assertions.assertThat(problem).as("%s, stage %d (run %d)", item.getFileName(), number, run + 1).isNull();
                } else {
                    org.assertj.core.api.Assertions.assertThat(problem).as("%s must fail stage %d (run %d)", item.getFileName(), number, run + 1)
                            .isNotNull().contains(expect.text);
                    verdicts.add(Wire.verdict(problem));
                }
            }
        }
        org.assertj.core.api.Assertions.assertThat(verdicts.stream().distinct().count()).as("%s: one verdict in %d runs: %s",
                item.getFileName(), runs, verdicts).isLessThanOrEqualTo(1);
    }

    private static String againstProcess(List<String> command, Wire.Stage stage, int number, boolean dies) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            int port = port(p);
            InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            String problem = Wire.check(stage, target, number);
            if (dies && (problem == null || !problem.contains("gone:")) && p.waitFor(10, TimeUnit.SECONDS) && !Wire.alive(target)) {
                // The stage's traffic kills this server, but when its process exits is up to the scheduler,
                // and the checker's probe right after the stage can come first. A whole checker run then
                // reports it at the next stage's probe; a single stage cannot, so wait for the exit here.
                // The same first line as the checker's own finding: the verdict is that the stage stopped the
                // server, whichever of the two noticed it.
                problem = Wire.GONE + "\n(the process exited during or after stage " + number + "; the probe had come first)"
                        + (problem == null ? "" : "\n" + problem);
            }
            return problem;
        } finally {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static final Map<Path, Path> COMPILED = new ConcurrentHashMap<>();

    /** How to start {@code item}, or null if this machine lacks its tool. */
    private static List<String> command(Path item) throws Exception {
        String name = item.getFileName().toString();
        if (name.endsWith(".py")) {
            return has("python3") ? List.of(PYTHON.get(), "-u", item.toString()) : null;
        }
        if (name.endsWith(".js")) {
            return has("node") ? List.of("node", item.toString()) : null;
        }
        if (!has("cc")) {
            return null;
        }
        Path binary = COMPILED.get(item);
        if (binary == null) {
            Path out = Files.createDirectories(Path.of("target/catalogue-bin")).resolve(name.replace(".c", ""));
            Process cc = new ProcessBuilder("cc", "-O1", "-o", out.toString(), item.toString()).redirectErrorStream(true).start();
            String log = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            org.assertj.core.api.Assertions.assertThat(cc.waitFor()).as("cc %s: %s", name, log).isZero();
            COMPILED.put(item, out);
            binary = out;
        }
        return List.of(binary.toString());
    }

    /** python3 itself, not a version manager's shim that starts a shell first (seconds, on a loaded machine). */
    private static final java.util.function.Supplier<String> PYTHON = new java.util.function.Supplier<>() {
        private volatile String path;

        @Override
        public String get() {
            if (path == null) {
                try {
                    Process p = new ProcessBuilder("python3", "-c", "import sys; print(sys.executable)").start();
                    String found = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                    path = p.waitFor() == 0 && !found.isEmpty() ? found : "python3";
                } catch (IOException | InterruptedException e) {
                    path = "python3";
                }
            }
            return path;
        }
    };

    private static final Map<String, Boolean> TOOLS = new ConcurrentHashMap<>();

    private static boolean has(String tool) {
        return TOOLS.computeIfAbsent(tool, t -> {
            try {
                // A tool that starts is there. Waiting for its answer to --version is no test: on a loaded
                // machine it took over 10 s, and half a catalogue was skipped as "no tool".
                Process p = new ProcessBuilder(t, "--version").redirectErrorStream(true).start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
                return true;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    /** The first line of digits the process prints is its port (within 30 s); its output is drained after. */
    private static int port(Process p) throws Exception {
        CompletableFuture<Integer> port = new CompletableFuture<>();
        List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread.ofPlatform().daemon().start(() -> {
            try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    lines.add(line);
                    if (line.strip().matches("\\d+")) {
                        port.complete(Integer.parseInt(line.strip()));
                    }
                }
            } catch (IOException ended) { // the process was stopped
            }
            port.completeExceptionally(new IllegalStateException("the server exited without printing a port: " + lines));
        });
        try {
            return port.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the server printed no port within 30 s: " + lines);
        }
    }

    // ---- wrong solutions of an exercise ----

    /**
     * One test per wrong solution in {@code catalogue/EXERCISE}: compiled as the exercise's stub
     * (package {@code stubPackage}, class {@code stubClass}), it must fail the stage its header
     * names, with a message containing its text; the stages before it must pass.
     */
    public static Stream<DynamicTest> solutions(String exercise, String stubPackage, String stubClass, String stagesClass) throws IOException {
        return eagerly(items(exercise, ".java"), item -> solution(item, stubPackage, stubClass, stagesClass));
    }

    private static void solution(Path item, String stubPackage, String stubClass, String stagesClass) throws Exception {
        Expect expect = expect(item);
        Path classes = compile(item, stubPackage, stubClass);
        for (int run = 0; run < repeat(); run++) {
            try (Isolated loader = new Isolated(classes, stubPackage, Catalogue.class.getClassLoader())) {
                List<Executable> stages = stages(loader.loadClass(stagesClass));
                int last = expect.stage == 0 ? stages.size() : expect.stage;
                for (int number = 1; number <= last; number++) {
                    Throwable failure = null;
                    try {
                        stages.get(number - 1).execute();
                    } catch (Throwable t) {
                        failure = t;
                    }
                    String what = item.getFileName() + ", stage " + number + " (run " + (run + 1) + ")";
                    if (expect.stage == 0 || number < expect.stage) {
                        if (failure != null) {
                            throw new AssertionError(what + " must pass" + (expect.stage == 0 ? "" : " (the mistake belongs to stage " + expect.stage + ")"), failure);
                        }
                    } else {
                        org.assertj.core.api.Assertions.assertThat(failure).as(what + " must fail").isNotNull();
                        org.assertj.core.api.Assertions.assertThat(String.valueOf(failure.getMessage())).as(what).contains(expect.text);
                    }
                }
            }
        }
    }

    /** The stages of a stages class in order: its {@code N. }-named test methods, or its one test factory's tests. */
    private static List<Executable> stages(Class<?> type) throws Exception {
        Object instance = null;
        var constructor = type.getDeclaredConstructor();
        constructor.setAccessible(true);
        instance = constructor.newInstance();
        Who who = new Who("yours");
        List<Executable> stages = new ArrayList<>();
        for (Method m : type.getDeclaredMethods()) {
            if (m.isAnnotationPresent(org.junit.jupiter.api.TestFactory.class)) {
                m.setAccessible(true);
                @SuppressWarnings("unchecked")
                Stream<DynamicTest> tests = (Stream<DynamicTest>) m.invoke(instance, who);
                return tests.map(DynamicTest::getExecutable).toList();
            }
        }
        List<Method> tests = new ArrayList<>();
        for (Method m : type.getDeclaredMethods()) {
            var name = m.getAnnotation(org.junit.jupiter.api.DisplayName.class);
            if (m.isAnnotationPresent(org.junit.jupiter.api.Test.class) && name != null && name.value().matches("\\d+\\. .*")) {
                tests.add(m);
            }
        }
        tests.sort(java.util.Comparator.comparingInt(m -> Integer.parseInt(m.getAnnotation(org.junit.jupiter.api.DisplayName.class)
                .value().replaceFirst("\\..*", ""))));
        List<Method> before = annotated(type, org.junit.jupiter.api.BeforeEach.class);
        List<Method> after = annotated(type, org.junit.jupiter.api.AfterEach.class);
        for (Method m : tests) {
            m.setAccessible(true);
            stages.add(() -> {
                // As JUnit runs it: a fresh instance per stage, its @BeforeEach first, its @AfterEach always.
                Object target = constructor.newInstance();
                Throwable failure = null;
                try {
                    for (Method b : before) {
                        call(b, target, who);
                    }
                    call(m, target, who);
                } catch (Throwable t) {
                    failure = t;
                }
                for (Method a : after) {
                    try {
                        call(a, target, who);
                    } catch (Throwable t) {
                        if (failure == null) {
                            failure = t;
                        } else {
                            failure.addSuppressed(t); // the stage's own failure is the verdict
                        }
                    }
                }
                if (failure != null) {
                    throw failure;
                }
            });
        }
        return stages;
    }

    private static List<Method> annotated(Class<?> type, Class<? extends java.lang.annotation.Annotation> annotation) {
        List<Method> methods = new ArrayList<>();
        for (Method m : type.getDeclaredMethods()) {
            if (m.isAnnotationPresent(annotation)) {
                m.setAccessible(true);
                methods.add(m);
            }
        }
        return methods;
    }

    private static void call(Method m, Object target, Who who) throws Throwable {
        try {
            m.invoke(target, m.getParameterCount() == 1 ? new Object[] {who} : new Object[0]);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static Path compile(Path item, String stubPackage, String stubClass) throws IOException {
        Path dir = Files.createDirectories(Path.of("target/catalogue-src", item.getParent().getFileName().toString(),
                item.getFileName().toString().replace(".java", "")));
        Path source = dir.resolve(stubClass + ".java");
        Files.writeString(source, Files.readString(item));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        int status = javac.run(null, log, log, "-proc:none", "-nowarn", "-cp", System.getProperty("java.class.path"), "-d", classes.toString(),
                source.toString());
        org.assertj.core.api.Assertions.assertThat(status).as("javac %s: %s", item, log.toString(StandardCharsets.UTF_8)).isZero();
        return classes;
    }

    /** Loads the stub's package itself (the wrong solution first, then the build's test classes); all else from the parent. */
    private static final class Isolated extends ClassLoader implements AutoCloseable {
        private final Path classes;
        private final String prefix;

        Isolated(Path classes, String stubPackage, ClassLoader parent) {
            super("catalogue", parent);
            this.classes = classes;
            this.prefix = stubPackage + ".";
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith(prefix) || name.substring(prefix.length()).contains(".")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    String file = name.replace('.', '/') + ".class";
                    Path own = classes.resolve(file);
                    try {
                        byte[] bytes;
                        if (Files.exists(own)) {
                            bytes = Files.readAllBytes(own);
                        } else {
                            URL url = getParent().getResource(file);
                            if (url == null) {
                                throw new ClassNotFoundException(name);
                            }
                            try (InputStream in = url.openStream()) {
                                bytes = in.readAllBytes();
                            }
                        }
                        c = defineClass(name, bytes, 0, bytes.length);
                    } catch (IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }

        @Override
        public void close() {
        }
    }
}
