package io.mptcp4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mptcp4j.core.cc.CongestionControlAlgorithm;
import io.mptcp4j.core.cc.CongestionControlRegistry;
import io.mptcp4j.core.cc.ConnectionCongestion;
import io.mptcp4j.core.mptcp.MptcpStatistics;
import io.mptcp4j.core.pm.NDiffPortsPathManager;
import io.mptcp4j.core.pm.PathManagers;
import io.mptcp4j.core.sched.MinRttScheduler;
import io.mptcp4j.core.sched.RedundantScheduler;
import io.mptcp4j.nio.ExclusionPolicy;
import io.mptcp4j.nio.MptcpProviderConfig;
import io.mptcp4j.nio.MptcpSelectorProvider;
import io.mptcp4j.reactor.MptcpLoopResources;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.client.ReactorResourceFactory;

/** The beans, their defaults, every property, the application's own beans, and the starter switched off. */
class MptcpAutoConfigurationTest {

    static final AutoConfigurations ALL = AutoConfigurations.of(MptcpAutoConfiguration.class,
            MptcpReactorNettyAutoConfiguration.class, MptcpEndpointAutoConfiguration.class,
            MptcpMetricsAutoConfiguration.class);

    /** Never opens a real stack: these tests look at beans, not at the network. */
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(ALL)
            .withPropertyValues("mptcp.open-on-startup=false");

    @Test
    void defaults() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            MptcpProviderConfig config = context.getBean(MptcpProviderConfig.class);
            assertThat(config.scheduler()).isEqualTo("minrtt");
            assertThat(config.congestionControl()).isEqualTo("cubic");
            assertThat(config.pathManager()).isEqualTo("fullmesh");
            assertThat(config.maxSubflows()).isEqualTo(8);
            assertThat(config.localAddresses()).isEmpty();
            assertThat(config.announce()).isEmpty();
            assertThat(config.checksum()).isFalse();
            assertThat(config.exclusion()).isEqualTo(ExclusionPolicy.defaults());
            assertThat(config.namespace()).isNull();
            assertThat(config.congestionControlAlgorithms()).isEmpty();

            assertThat(context.getBean(MptcpSchedulerFactory.class).name()).isEqualTo("minrtt");
            assertThat(context.getBean(MptcpSchedulerFactory.class).create()).isInstanceOf(MinRttScheduler.class);
            assertThat(context.getBean(CongestionControlAlgorithm.class).name()).isEqualTo("cubic");
            assertThat(context.getBean(MptcpPathManagerFactory.class).name()).isEqualTo("fullmesh");

            MptcpSelectorProvider provider = context.getBean(MptcpSelectorProvider.class);
            assertThat(provider.config()).isSameAs(config);
            assertThat(provider.stackIfOpen()).isEmpty();
            assertThat(context).hasSingleBean(MptcpLoopResources.class);
            assertThat(context.getBean(MptcpLoopResources.class).provider()).isSameAs(provider);
            assertThat(context).hasSingleBean(NettyServerCustomizer.class);
            assertThat(context).hasSingleBean(MptcpMetrics.class);
            assertThat(context).doesNotHaveBean(MptcpStackStarter.class);
            // Not exposed by default: management.endpoints.web.exposure.include=mptcp does that.
            assertThat(context).doesNotHaveBean(MptcpEndpoint.class);
        });
    }

    @Test
    void theStackOpensAtStartUpByDefault() {
        new ApplicationContextRunner().withConfiguration(ALL)
                .withBean(MptcpSelectorProvider.class, FakeProvider::new)
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(MptcpStackStarter.class);
                    assertThat(((FakeProvider) context.getBean(MptcpSelectorProvider.class)).opened).hasValue(1);
                });
    }

    @Test
    void theStackOpensAtStartUpEvenWithLazyInitialization() {
        new ApplicationContextRunner().withConfiguration(ALL)
                .withInitializer(c -> c.addBeanFactoryPostProcessor(new LazyInitializationBeanFactoryPostProcessor()))
                .withBean(MptcpSelectorProvider.class, FakeProvider::new)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBeanFactory().getBeanDefinition("mptcpSchedulerFactory").isLazyInit())
                            .isTrue();
                    assertThat(((FakeProvider) context.getBean(MptcpSelectorProvider.class)).opened).hasValue(1);
                });
    }

    @Test
    void theProviderIsClosedWithTheContext() {
        FakeProvider provider = new FakeProvider();
        runner.withBean(MptcpSelectorProvider.class, () -> provider).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(provider.closed).hasValue(0);
        });
        assertThat(provider.closed).hasValue(1);
    }

    @Test
    void everyProperty() {
        runner.withPropertyValues(
                "mptcp.scheduler=redundant",
                "mptcp.congestion-control=OLIA",
                "mptcp.path-manager=ndiffports",
                "mptcp.max-subflows=3",
                "mptcp.local-addresses=10.0.0.1, eth7",
                "mptcp.announce-addresses=10.0.1.2,fd00:0:0:1::2",
                "mptcp.checksum=true",
                "mptcp.exclude.loopback=false",
                "mptcp.exclude.cidrs=10.1.0.0/16,fd00::/8",
                "mptcp.exclude.ports=8081,9090",
                "mptcp.namespace=m4j-test-ns").run(context -> {
                    assertThat(context).hasNotFailed();
                    MptcpProviderConfig config = context.getBean(MptcpProviderConfig.class);
                    assertThat(config.scheduler()).isEqualTo("redundant");
                    assertThat(config.congestionControl()).isEqualTo("olia");
                    assertThat(config.pathManager()).isEqualTo("ndiffports");
                    assertThat(config.maxSubflows()).isEqualTo(3);
                    assertThat(config.localAddresses()).containsExactly("10.0.0.1", "eth7");
                    assertThat(config.announce()).containsExactly(InetAddress.getByName("10.0.1.2"),
                            InetAddress.getByName("fd00:0:0:1::2"));
                    assertThat(config.checksum()).isTrue();
                    assertThat(config.exclusion().loopback()).isFalse();
                    assertThat(config.exclusion().cidrs()).containsExactly("10.1.0.0/16", "fd00:0:0:0:0:0:0:0/8");
                    assertThat(config.exclusion().ports()).containsExactly(8081, 9090);
                    assertThat(config.namespace()).isEqualTo("m4j-test-ns");
                    assertThat(context.getBean(MptcpSchedulerFactory.class).create())
                            .isInstanceOf(RedundantScheduler.class);
                    assertThat(context.getBean(MptcpPathManagerFactory.class).create())
                            .isInstanceOf(NDiffPortsPathManager.class);
                    assertThat(context).doesNotHaveBean(MptcpStackStarter.class);
                });
    }

    @Test
    void anOwnSchedulerReplacesTheDefault() {
        AtomicInteger made = new AtomicInteger();
        runner.withBean("mySchedulers", MptcpSchedulerFactory.class,
                () -> MptcpSchedulerFactory.of("counting", () -> {
                    made.incrementAndGet();
                    return new MinRttScheduler();
                })).withPropertyValues("mptcp.scheduler=no-such-scheduler") // ignored: the bean wins
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(MptcpSchedulerFactory.class);
                    assertThat(context.getBean(MptcpProviderConfig.class).scheduler()).isEqualTo("counting");
                    context.getBean(MptcpSchedulerFactory.class).create();
                    assertThat(made).hasValue(1);
                });
    }

    @Test
    void anOwnCongestionControlReplacesTheDefault() {
        CongestionControlAlgorithm gentle = algorithm("gentle");
        runner.withBean(CongestionControlAlgorithm.class, () -> gentle)
                .withPropertyValues("mptcp.congestion-control=no-such-algorithm")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(CongestionControlAlgorithm.class);
                    MptcpProviderConfig config = context.getBean(MptcpProviderConfig.class);
                    assertThat(config.congestionControl()).isEqualTo("gentle");
                    assertThat(config.congestionControlAlgorithms()).containsExactly(gentle);
                    assertThat(config.congestionControlRegistry().get("gentle")).isSameAs(gentle);
                });
    }

    @Test
    void anOwnPathManagerReplacesTheDefault() {
        runner.withBean(MptcpPathManagerFactory.class, () -> MptcpPathManagerFactory.of("single", () -> PathManagers.NONE))
                .withPropertyValues("mptcp.path-manager=no-such-path-manager")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(MptcpPathManagerFactory.class);
                    assertThat(context.getBean(MptcpProviderConfig.class).pathManager()).isEqualTo("single");
                });
    }

    @Test
    void anOwnConfigurationReplacesTheDefault() {
        MptcpProviderConfig own = MptcpProviderConfig.builder().scheduler("ecf").maxSubflows(2).build();
        runner.withBean(MptcpProviderConfig.class, () -> own).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(MptcpProviderConfig.class);
            assertThat(context.getBean(MptcpSelectorProvider.class).config()).isSameAs(own);
        });
    }

    @Test
    void anOwnProviderReplacesTheDefault() {
        FakeProvider own = new FakeProvider();
        runner.withBean(MptcpSelectorProvider.class, () -> own).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(MptcpSelectorProvider.class);
            assertThat(context.getBean(MptcpSelectorProvider.class)).isSameAs(own);
            assertThat(context).hasSingleBean(MptcpLoopResources.class).hasSingleBean(MptcpMetrics.class);
            assertThat(context.getBean(MptcpLoopResources.class).provider()).isSameAs(own);
            assertThat(own.opened).hasValue(0); // mptcp.open-on-startup=false
        });
    }

    @Test
    void ownLoopResourcesMetricsAndEndpointReplaceTheDefaults() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=mptcp")
                .withBean("ownLoops", MptcpLoopResources.class,
                        () -> MptcpLoopResources.create(new FakeProvider()))
                .withBean("ownMetrics", MptcpMetrics.class, () -> new MptcpMetrics(new FakeProvider()))
                .withBean("ownEndpoint", MptcpEndpoint.class, () -> new MptcpEndpoint(new FakeProvider()))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBeansOfType(MptcpLoopResources.class)).containsOnlyKeys("ownLoops");
                    assertThat(context.getBeansOfType(MptcpMetrics.class)).containsOnlyKeys("ownMetrics");
                    assertThat(context.getBeansOfType(MptcpEndpoint.class)).containsOnlyKeys("ownEndpoint");
                });
    }

    @Test
    void disabled() {
        runner.withPropertyValues("mptcp.enabled=false")
                .withBean(ReactorResourceFactory.class, ReactorResourceFactory::new)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(MptcpProperties.class)
                            .doesNotHaveBean(MptcpSchedulerFactory.class)
                            .doesNotHaveBean(CongestionControlAlgorithm.class)
                            .doesNotHaveBean(MptcpPathManagerFactory.class)
                            .doesNotHaveBean(MptcpProviderConfig.class)
                            .doesNotHaveBean(MptcpSelectorProvider.class)
                            .doesNotHaveBean(MptcpStackStarter.class)
                            .doesNotHaveBean(MptcpLoopResources.class)
                            .doesNotHaveBean(NettyServerCustomizer.class)
                            .doesNotHaveBean(MptcpEndpoint.class)
                            .doesNotHaveBean(MptcpMetrics.class);
                    assertThat(context.getBean(ReactorResourceFactory.class).getLoopResources())
                            .isNotInstanceOf(MptcpLoopResources.class);
                });
    }

    @Test
    void theReactorResourceFactoryRunsOnMptcp() {
        runner.withBean(ReactorResourceFactory.class, ReactorResourceFactory::new).run(context -> {
            assertThat(context).hasNotFailed();
            ReactorResourceFactory factory = context.getBean(ReactorResourceFactory.class);
            assertThat(factory.isUseGlobalResources()).isFalse();
            assertThat(factory.getLoopResources()).isSameAs(context.getBean(MptcpLoopResources.class));
        });
    }

    @Test
    void worksWithoutReactorNettyActuatorOrMicrometer() {
        runner.withClassLoader(new FilteredClassLoader("reactor.netty", "org.springframework.boot.reactor",
                        "org.springframework.boot.actuate", "io.micrometer", "io.mptcp4j.reactor",
                        "org.springframework.http.client.ReactorResourceFactory"))
                .withPropertyValues("management.endpoints.web.exposure.include=mptcp")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(MptcpSelectorProvider.class)
                            .hasSingleBean(MptcpProviderConfig.class);
                    assertThat(context.getBeanNamesForType(MptcpMetrics.class)).isEmpty();
                    assertThat(context.getBeanNamesForType(MptcpEndpoint.class)).isEmpty();
                    assertThat(context.getBeanNamesForType(MptcpLoopResources.class)).isEmpty();
                });
    }

    @Test
    void theEndpointListsTheConfigurationOfAStackNotYetOpen() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=mptcp", "mptcp.scheduler=blest",
                "mptcp.exclude.ports=22").run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(MptcpEndpoint.class);
                    MptcpEndpoint.MptcpDescriptor d = context.getBean(MptcpEndpoint.class).mptcp();
                    assertThat(d.open()).isFalse();
                    assertThat(d.addresses()).isEmpty();
                    assertThat(d.counters()).isEmpty();
                    assertThat(d.connections()).isEmpty();
                    assertThat(d.configuration().scheduler()).isEqualTo("blest");
                    assertThat(d.configuration().congestionControl()).isEqualTo("cubic");
                    assertThat(d.configuration().exclude().ports()).containsExactly(22);
                    assertThat(d.configuration().exclude().loopback()).isTrue();
                });
    }

    @Test
    void metersOfAStackNotYetOpen() {
        runner.run(context -> {
            MeterRegistry registry = new SimpleMeterRegistry();
            context.getBean(MptcpMetrics.class).bindTo(registry);
            assertThat(registry.get("mptcp.connections.active").gauge().value()).isZero();
            assertThat(registry.get("mptcp.subflows.active").gauge().value()).isZero();
            assertThat(registry.get("mptcp.reinjections").functionCounter().count()).isZero();
            assertThat(registry.get("mptcp.fallbacks").functionCounter().count()).isZero();
            assertThat(registry.get("mptcp.stack.events").functionCounters())
                    .hasSize(MptcpStatistics.Counter.values().length);
            assertThat(registry.find("mptcp.subflow.bytes").meters()).isEmpty();
        });
    }

    @Test
    void namesAreCheckedOnlyWhenTheDefaultsUseThem() {
        // The built-in names resolve, ignoring case, and keep their canonical spelling in the configuration.
        assertThat(MptcpSchedulerFactory.named("ROUNDROBIN").create()).isNotNull();
        assertThat(MptcpCongestionControl.named("Balia").name()).isEqualTo("balia");
        assertThat(MptcpPathManagerFactory.named("announce", 8, List.of()).name()).isEqualTo("announce");
        assertThat(MptcpConfigFactory.exclusion(new MptcpProperties.Exclude()))
                .isEqualTo(ExclusionPolicy.of(true, List.of(), Set.of()));
    }

    /** An algorithm of one's own: Reno's behaviour under another name. */
    static CongestionControlAlgorithm algorithm(String name) {
        CongestionControlAlgorithm reno = CongestionControlRegistry.builtIns().get("reno");
        return new CongestionControlAlgorithm() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public ConnectionCongestion newConnection() {
                return reno.newConnection();
            }
        };
    }
}
