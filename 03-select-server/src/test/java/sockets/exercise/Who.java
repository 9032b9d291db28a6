package sockets.exercise;

import java.util.function.Supplier;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Whose code an exercise's stages run against: {@code yours} (the stub the learner edits, the
 * default), {@code reference} (the lesson's own code) or {@code naive} (the lesson's deliberately
 * wrong code, which must fail the stage named after its pitfall). Chosen with the JUnit
 * configuration parameter {@value #KEY}; a stage method takes a {@code Who} parameter. With
 * {@value #SERVE} set, a server exercise does not run its stages: it serves on that port until
 * stopped ({@code NN-lesson/run exercise NAME serve --port P}), so the checker can be aimed at it.
 */
public record Who(String name, int stage, int servePort) {

    public static final String KEY = "exercise.subject";
    /** Runs only stage N (1-based) when set; the build uses it to run the naive code's pitfall stage alone. */
    public static final String STAGE = "exercise.stage";
    /** The port to serve on instead of running the stages; -1 (the default) runs the stages. */
    public static final String SERVE = "exercise.serve";

    public Who(String name) {
        this(name, 0);
    }

    public Who(String name, int stage) {
        this(name, stage, -1);
    }

    /** True if this run serves on {@link #servePort()} rather than running the stages. */
    public boolean serves() {
        return servePort >= 0;
    }

    public Who {
        if (!name.equals("yours") && !name.equals("reference") && !name.equals("naive")) {
            throw new IllegalArgumentException("exercise.subject must be yours, reference or naive, not " + name);
        }
    }

    /** Builds the code under test: the learner's, the lesson's, or the naive one if there is one. */
    public <T> T pick(Supplier<? extends T> yours, Supplier<? extends T> reference, Supplier<? extends T> naive) {
        return switch (name) {
            case "reference" -> reference.get();
            case "naive" -> naive != null ? naive.get() : reference.get();
            default -> yours.get();
        };
    }

    /** True if stage {@code number} is to run. */
    public boolean runs(int number) {
        return stage == 0 || stage == number;
    }

    /** Gives every stage method the {@code Who} of this run, and skips the stages not asked for. */
    public static final class Resolver implements ParameterResolver, ExecutionCondition {

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            String only = context.getConfigurationParameter(STAGE).orElse("0");
            String name = context.getDisplayName();
            boolean factory = context.getTestMethod().map(m -> m.isAnnotationPresent(TestFactory.class)).orElse(true);
            return factory || only.equals("0") || name.startsWith(only + ". ") // a factory filters its own stages
                    ? ConditionEvaluationResult.enabled("asked for")
                    : ConditionEvaluationResult.disabled("only stage " + only + " was asked for");
        }

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == Who.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return new Who(context.getConfigurationParameter(KEY).orElse("yours"),
                    Integer.parseInt(context.getConfigurationParameter(STAGE).orElse("0")),
                    Integer.parseInt(context.getConfigurationParameter(SERVE).orElse("-1")));
        }
    }
}
