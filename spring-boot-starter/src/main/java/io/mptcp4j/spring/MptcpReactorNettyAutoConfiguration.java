package io.mptcp4j.spring;

import io.mptcp4j.nio.MptcpSelectorProvider;
import io.mptcp4j.reactor.MptcpLoopResources;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * Reactor Netty over MPTCP: the {@link MptcpLoopResources} bean, and the WebFlux server and the auto-configured
 * WebClient running on it.
 *
 * <p>In Spring Boot 4 both the Netty web server ({@code NettyWebServer}) and the auto-configured WebClient connector
 * ({@code ReactorClientHttpConnectorBuilder.withReactorResourceFactory}) call {@code runOn} with the
 * {@link ReactorResourceFactory}'s loop resources <em>after</em> every {@link NettyServerCustomizer} and HTTP client
 * customizer, so the one place that decides their transport is that factory: a post-processor gives every
 * {@link ReactorResourceFactory} bean (Spring Boot's or the application's) the {@link MptcpLoopResources}. A
 * {@link NettyServerCustomizer} does the same for a Netty server factory made without a resource factory.
 */
@AutoConfiguration(after = MptcpAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "mptcp.enabled", matchIfMissing = true)
@ConditionalOnClass({LoopResources.class, MptcpLoopResources.class})
@ConditionalOnBean(MptcpSelectorProvider.class)
public final class MptcpReactorNettyAutoConfiguration {

    /** Disposed with the context, after the server and clients that run on it stopped, before the provider. */
    @Bean(destroyMethod = "dispose")
    @ConditionalOnMissingBean
    MptcpLoopResources mptcpLoopResources(MptcpSelectorProvider provider) {
        return MptcpLoopResources.create(provider);
    }

    /** Every {@link ReactorResourceFactory}: the WebFlux server and the auto-configured WebClient. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(ReactorResourceFactory.class)
    static class ResourceFactoryConfiguration {

        @Bean
        static BeanPostProcessor mptcpReactorResourceFactoryPostProcessor(ObjectProvider<MptcpLoopResources> loops) {
            return new ResourceFactoryPostProcessor(loops);
        }
    }

    /** Netty server factories made without a {@link ReactorResourceFactory}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({NettyServerCustomizer.class, HttpServer.class})
    static class NettyServerConfiguration {

        @Bean
        NettyServerCustomizer mptcpNettyServerCustomizer(MptcpLoopResources loops) {
            return server -> server.runOn(loops);
        }
    }

    /** Puts the MPTCP loop resources into a {@link ReactorResourceFactory} before it starts. */
    static final class ResourceFactoryPostProcessor implements BeanPostProcessor {

        private final ObjectProvider<MptcpLoopResources> loops;

        ResourceFactoryPostProcessor(ObjectProvider<MptcpLoopResources> loops) {
            this.loops = loops;
        }

        @Override
        public Object postProcessBeforeInitialization(Object bean, String beanName) throws BeansException {
            if (bean instanceof ReactorResourceFactory) {
                MptcpLoopResources resources = loops.getIfAvailable();
                if (resources != null) {
                    ReactorResourceFactory factory = (ReactorResourceFactory) bean;
                    // Own loop resources exclude the global ones; the factory does not dispose resources it was
                    // given: the MptcpLoopResources bean does, after the server and clients stopped.
                    factory.setUseGlobalResources(false);
                    factory.setLoopResources(resources);
                }
            }
            return bean;
        }
    }
}
