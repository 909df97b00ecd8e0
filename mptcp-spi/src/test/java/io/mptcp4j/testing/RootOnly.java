package io.mptcp4j.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test (class or method) that needs root: raw sockets, network namespaces, tc. Without the privileges
 * it is skipped, except when the environment variable {@code CI} is {@code true}: there it fails, because a
 * skipped interop test proves nothing. See {@link RootOnlyCondition}.
 */
@Documented
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RootOnlyCondition.class)
public @interface RootOnly {
}
