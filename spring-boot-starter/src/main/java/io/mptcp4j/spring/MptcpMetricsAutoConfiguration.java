package io.mptcp4j.spring;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.mptcp4j.nio.MptcpSelectorProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link MptcpMetrics}, a Micrometer {@link MeterBinder} that Spring Boot binds to every meter registry, when
 * Micrometer is on the class path.
 */
@AutoConfiguration(after = MptcpAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnBooleanProperty(name = "mptcp.enabled", matchIfMissing = true)
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnBean(MptcpSelectorProvider.class)
public final class MptcpMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    MptcpMetrics mptcpMetrics(MptcpSelectorProvider provider) {
        return new MptcpMetrics(provider);
    }
}
