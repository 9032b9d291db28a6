package sockets.pit;

import java.lang.reflect.Method;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.DynamicTestInvocationContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * Makes the mutation profile (PIT) about twice as fast, and changes no result.
 *
 * <p>PIT's JUnit 5 plugin finds the tests of a class by running the class and noting which tests
 * start. Every process that PIT starts to test mutants does that first, for every test class that
 * covers its mutants, and PIT starts a new process after each mutant that hangs a test (a server
 * mutant often does). The results of that listing run are thrown away, so in lesson 03 each restart
 * spent about 19 seconds running the whole suite for nothing.
 *
 * <p>This extension skips test bodies only in that listing run: while PIT's test finder is on the
 * stack of a mutation-testing process. The tests still start and finish, so PIT lists them all.
 * Everywhere else (surefire, the IDE, PIT's coverage run, whose results PIT does use, and every run
 * against a mutant) it does nothing. PIT loads it through the service file next to it, with
 * {@code junit.jupiter.extensions.autodetection.enabled=true}, which only the mutation profile sets.
 */
public final class SkipTestBodiesWhilePitListsTests implements BeforeAllCallback, InvocationInterceptor {

    private static final ExtensionContext.Namespace HERE = ExtensionContext.Namespace.create(SkipTestBodiesWhilePitListsTests.class);
    private static final String LISTING = "pit-is-listing";
    private static final String FINDER = "org.pitest.junit5.JUnit5TestUnitFinder";
    private static final String MUTATION_PROCESS = "org.pitest.mutationtest.execute.MutationTestMinion";

    /** Decided on the thread that runs the class, before any @Timeout moves a test to another thread. */
    @Override
    public void beforeAll(ExtensionContext context) {
        List<String> callers = StackWalker.getInstance().walk(frames -> frames.map(StackWalker.StackFrame::getClassName).toList());
        context.getStore(HERE).put(LISTING, callers.contains(FINDER) && callers.contains(MUTATION_PROCESS));
    }

    private static boolean listing(ExtensionContext context) {
        return Boolean.TRUE.equals(context.getStore(HERE).get(LISTING, Boolean.class));
    }

    private static <T> void skipOrProceed(Invocation<T> invocation, ExtensionContext context) throws Throwable {
        if (listing(context)) {
            invocation.skip();
        } else {
            invocation.proceed();
        }
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call, ExtensionContext context) throws Throwable {
        skipOrProceed(invocation, context);
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call, ExtensionContext context) throws Throwable {
        skipOrProceed(invocation, context);
    }

    @Override
    public void interceptDynamicTest(Invocation<Void> invocation, DynamicTestInvocationContext call, ExtensionContext context) throws Throwable {
        skipOrProceed(invocation, context);
    }
}
