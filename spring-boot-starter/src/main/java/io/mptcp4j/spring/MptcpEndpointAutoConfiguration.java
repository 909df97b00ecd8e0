package io.mptcp4j.spring;

import io.mptcp4j.nio.MptcpSelectorProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code mptcp} actuator endpoint, when the actuator is on the class path and the endpoint is available
 * ({@code management.endpoints.web.exposure.include=mptcp} exposes it over HTTP).
 */
@AutoConfiguration(after = MptcpAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "mptcp.enabled", matchIfMissing = true)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
public final class MptcpEndpointAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnAvailableEndpoint(MptcpEndpoint.class)
    @ConditionalOnBean(MptcpSelectorProvider.class)
    static class EndpointConfiguration {

        @Bean
        @ConditionalOnMissingBean
        MptcpEndpoint mptcpEndpoint(MptcpSelectorProvider provider) {
            return new MptcpEndpoint(provider);
        }
    }
}
