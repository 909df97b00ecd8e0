package io.mptcp4j.testing;

import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The condition behind {@link RootOnly}: enabled with CAP_NET_ADMIN, CAP_NET_RAW and CAP_SYS_ADMIN; else
 * disabled, or — when {@code CI=true} — a failure (an exception from a condition fails the test in JUnit
 * Jupiter, so CI cannot pass with interop tests silently skipped).
 */
public final class RootOnlyCondition implements ExecutionCondition {

    static final String MESSAGE = "the interop tests need root (CAP_NET_ADMIN, CAP_NET_RAW, CAP_SYS_ADMIN) to"
            + " create network namespaces and raw sockets";

    private final BooleanSupplier privileged;
    private final Function<String, String> environment;

    /** The condition as JUnit uses it: real privileges, real environment. */
    public RootOnlyCondition() {
        this(Privileges::canRunInteropTests, System::getenv);
    }

    /** For tests of the condition itself. */
    RootOnlyCondition(BooleanSupplier privileged, Function<String, String> environment) {
        this.privileged = privileged;
        this.environment = environment;
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (privileged.getAsBoolean()) {
            return ConditionEvaluationResult.enabled("running with root privileges");
        }
        if ("true".equalsIgnoreCase(String.valueOf(environment.apply("CI")).trim())) {
            throw new IllegalStateException("CI=true but " + MESSAGE + "; run the build as root");
        }
        return ConditionEvaluationResult.disabled("skipped: " + MESSAGE);
    }
}
