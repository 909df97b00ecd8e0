package io.mptcp4j.spring;

import io.mptcp4j.core.cc.CongestionControlAlgorithm;
import io.mptcp4j.core.mptcp.MptcpConfig;
import io.mptcp4j.nio.MptcpConfigurationException;
import io.mptcp4j.nio.MptcpProviderConfig;
import io.mptcp4j.nio.MptcpSelectorProvider;
import java.util.List;
import org.springframework.boot.LazyInitializationExcludeFilter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The mptcp4j stack as beans: the scheduler, congestion control and path manager, the {@link MptcpProviderConfig}
 * made of them and of {@link MptcpProperties}, and the {@link MptcpSelectorProvider}, opened at start-up. Each is
 * replaced by a bean of the same type that the application declares. Nothing here when {@code mptcp.enabled=false}.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "mptcp.enabled", matchIfMissing = true)
@EnableConfigurationProperties(MptcpProperties.class)
public final class MptcpAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    MptcpSchedulerFactory mptcpSchedulerFactory(MptcpProperties properties) {
        return MptcpSchedulerFactory.named(properties.getScheduler());
    }

    @Bean
    @ConditionalOnMissingBean
    CongestionControlAlgorithm mptcpCongestionControl(MptcpProperties properties) {
        return MptcpCongestionControl.named(properties.getCongestionControl());
    }

    @Bean
    @ConditionalOnMissingBean
    MptcpPathManagerFactory mptcpPathManagerFactory(MptcpProperties properties) {
        int subflows = properties.getMaxSubflows();
        if (subflows < 1 || subflows > MptcpConfig.MAX_SUBFLOWS) {
            throw new MptcpConfigurationException(MptcpSettings.MAX_SUBFLOWS, Integer.toString(subflows),
                    "must be between 1 and " + MptcpConfig.MAX_SUBFLOWS, List.of());
        }
        return MptcpPathManagerFactory.named(properties.getPathManager(), subflows,
                MptcpConfigFactory.announceAddresses(properties.getAnnounceAddresses()));
    }

    @Bean
    @ConditionalOnMissingBean
    MptcpProviderConfig mptcpProviderConfig(MptcpProperties properties, MptcpSchedulerFactory scheduler,
                                            CongestionControlAlgorithm congestionControl,
                                            MptcpPathManagerFactory pathManager) {
        return MptcpConfigFactory.build(properties, scheduler, congestionControl, pathManager);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    MptcpSelectorProvider mptcpSelectorProvider(MptcpProviderConfig config) {
        return new MptcpSelectorProvider(config);
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "mptcp.open-on-startup", matchIfMissing = true)
    MptcpStackStarter mptcpStackStarter(MptcpSelectorProvider provider) {
        return new MptcpStackStarter(provider);
    }

    /** Opens the stack at start-up even with {@code spring.main.lazy-initialization=true}. */
    @Bean
    static LazyInitializationExcludeFilter mptcpStackStarterEagerly() {
        return LazyInitializationExcludeFilter.forBeanTypes(MptcpStackStarter.class);
    }
}
