package io.mptcp4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mptcp4j.io.linux.InsufficientPrivilegesException;
import io.mptcp4j.io.linux.NativeCallException;
import io.mptcp4j.nio.MptcpConfigurationException;
import io.mptcp4j.nio.MptcpSelectorProvider;
import io.mptcp4j.testing.Privileges;
import io.mptcp4j.testing.ThreadCapabilities;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.env.MockEnvironment;

/** Every start-up failure of mptcp4j ends in a message that says what is wrong and how to fix it. */
@ExtendWith(OutputCaptureExtension.class)
class MptcpFailureAnalyzerTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(MptcpAutoConfigurationTest.ALL);

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "mptcp.scheduler=warp | mptcp.scheduler | warp | unknown packet scheduler"
                + " | Set mptcp.scheduler to one of: minrtt, roundrobin, redundant, blest, ecf, backup",
        "mptcp.congestion-control=vegas | mptcp.congestion-control | vegas | unknown congestion control"
                + " | Set mptcp.congestion-control to one of: balia, cubic, lia, olia, reno",
        "mptcp.path-manager=mesh | mptcp.path-manager | mesh | unknown path manager"
                + " | Set mptcp.path-manager to one of: fullmesh, ndiffports, announce, none.",
        "mptcp.max-subflows=0 | mptcp.max-subflows | 0 | must be between 1 and 64 | from 1 to 64",
        "mptcp.max-subflows=65 | mptcp.max-subflows | 65 | must be between 1 and 64 | from 1 to 64",
        "mptcp.announce-addresses=server.example | mptcp.announce-addresses | server.example | not an IP address"
                + " | IP addresses (no host names)",
        "mptcp.exclude.cidrs=10.0.0.0/33 | mptcp.exclude.cidrs | 10.0.0.0/33 | prefix length out of range"
                + " | ADDRESS/BITS",
        "mptcp.exclude.ports=70000 | mptcp.exclude.ports | 70000 | not a port | from 1 to 65535",
        "mptcp.namespace=a/b | mptcp.namespace | a/b | not a namespace name | ip netns list",
        "mptcp.checksum=maybe | mptcp.checksum | maybe | not a value of type boolean"
                + " | Set mptcp.checksum to true or false.",
    })
    void badValuesAreExplained(String setting, String property, String value, String reason, String action) {
        runner.withPropertyValues("mptcp.open-on-startup=false", setting).run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new MptcpFailureAnalyzer(null).analyze(context.getStartupFailure());
            assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
            assertThat(analysis.getDescription()).contains("Property: " + property, "Value: \"" + value + "\"",
                    "Reason: " + reason);
            assertThat(analysis.getAction()).contains(action);
        });
    }

    @Test
    void aBadNameFromAPropertiesFileIsReportedWithItsOriginAtStartUp(CapturedOutput output) {
        assertThatThrownBy(() -> application().properties("spring.config.name=mptcp-bad-scheduler").run())
                .hasRootCauseInstanceOf(MptcpConfigurationException.class);
        assertThat(output).contains("APPLICATION FAILED TO START", "Property: mptcp.scheduler", "Value: \"warp\"",
                "Origin: class path resource [mptcp-bad-scheduler.properties]", "Reason: unknown packet scheduler",
                // (mptcp-spi's test jar adds a scheduler of its own through ServiceLoader: listed too)
                "Set mptcp.scheduler to one of: minrtt, roundrobin, redundant, blest, ecf, backup",
                "Or declare a bean of your own (see MptcpSchedulerFactory)");
    }

    @Test
    void aValueOfTheWrongTypeIsABindingError(CapturedOutput output) {
        assertThatThrownBy(() -> application().properties("mptcp.max-subflows=lots").run())
                .hasRootCauseInstanceOf(NumberFormatException.class)
                .hasStackTraceContaining("Failed to bind properties under 'mptcp.max-subflows' to int");
        assertThat(output).contains("APPLICATION FAILED TO START", "Property: mptcp.max-subflows",
                "Value: \"lots\"", "Origin: \"mptcp.max-subflows\" from property source \"defaultProperties\"",
                "Reason: not a value of type int", "Set mptcp.max-subflows to a number from 1 to 64");
    }

    @Test
    void aSettingRefusedWhileBindingIsExplained() {
        MockEnvironment environment = new MockEnvironment().withProperty("mptcp.scheduler", "warp");
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> Binder.get(environment)
                .bind("mptcp", Bindable.of(CheckingProperties.class)));
        assertThat(failure).isInstanceOf(BindException.class);
        FailureAnalysis analysis = new MptcpFailureAnalyzer(environment).analyze(failure);
        assertThat(analysis.getDescription()).contains("Property: mptcp.scheduler", "Value: \"warp\"",
                "Origin: \"mptcp.scheduler\" from property source \"mockProperties\"");
        assertThat(analysis.getAction()).contains("minrtt, roundrobin");
    }

    @Test
    void mptcp4jSettingNamesBecomePropertyNames() {
        Throwable failure = new BeanCreationException("mptcpSelectorProvider", "creating it failed",
                new IllegalStateException(new MptcpConfigurationException("addresses", "wlan9", "not an IP address",
                        List.of())));
        FailureAnalysis analysis = new MptcpFailureAnalyzer(null).analyze(failure);
        assertThat(analysis.getDescription()).contains("Property: mptcp.local-addresses", "Value: \"wlan9\"",
                "Reason: not an IP address");
        assertThat(analysis.getAction()).contains("ip -brief address");
    }

    @Test
    void anUnknownInterfaceFailsTheStartUp() {
        runner.withPropertyValues("mptcp.local-addresses=m4jnosuch0").run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new MptcpFailureAnalyzer(null).analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("Property: mptcp.local-addresses",
                    "Value: \"m4jnosuch0\"");
        });
    }

    @Test
    void aMissingNamespaceFailsTheStartUp() {
        String name = "m4j-no-such-" + UUID.randomUUID().toString().substring(0, 8);
        runner.withPropertyValues("mptcp.namespace=" + name).run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new MptcpFailureAnalyzer(null).analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("Property: mptcp.namespace", "Value: \"" + name + "\"",
                    "no such network namespace");
            assertThat(analysis.getAction()).contains("ip netns add");
        });
    }

    @Test
    void anOwnAlgorithmMayNotTakeAKnownName() {
        runner.withPropertyValues("mptcp.open-on-startup=false")
                .withBean(io.mptcp4j.core.cc.CongestionControlAlgorithm.class,
                        () -> MptcpAutoConfigurationTest.algorithm("Cubic"))
                .run(context -> {
                    assertThat(context).hasFailed();
                    FailureAnalysis analysis = new MptcpFailureAnalyzer(null).analyze(context.getStartupFailure());
                    assertThat(analysis.getDescription()).contains("Property: mptcp.congestion-control",
                            "takes a name mptcp4j already knows");
                    assertThat(analysis.getAction()).contains("a name of its own");
                });
    }

    @Test
    void missingPrivilegesAreExplained() {
        InsufficientPrivilegesException denied = new InsufficientPrivilegesException(
                "socket(AF_INET, SOCK_RAW, IPPROTO_TCP)", 1, "Operation not permitted; needs root or CAP_NET_RAW",
                "CAP_NET_RAW");
        runner.withBean(MptcpSelectorProvider.class, () -> new FakeProvider(denied)).run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new MptcpFailureAnalyzer(null).analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("could not open its MPTCP stack",
                    "Operation not permitted", "SOCK_RAW");
            assertThat(analysis.getAction()).contains("Run the application as root",
                    "setcap cap_net_raw,cap_net_admin+ep", "mptcp.enabled=false");
        });
    }

    @Test
    void aNamespaceThatMayNotBeEnteredIsExplained() {
        InsufficientPrivilegesException denied = new InsufficientPrivilegesException("setns(lab)", 1,
                "Operation not permitted; needs root or CAP_SYS_ADMIN", "CAP_SYS_ADMIN");
        FailureAnalysis analysis = new MptcpFailureAnalyzer(null).analyze(new BeanCreationException("x", "y", denied));
        assertThat(analysis.getAction()).contains("CAP_SYS_ADMIN", "mptcp.namespace");
    }

    @Test
    void withoutCapNetRawTheRealStackFailsAtStartUpWithTheFix(CapturedOutput output) throws Exception {
        Throwable failure = ThreadCapabilities.callWithout(Privileges.CAP_NET_RAW,
                () -> org.assertj.core.api.Assertions.catchThrowable(() -> application().run()));
        assertThat(failure).hasRootCauseInstanceOf(InsufficientPrivilegesException.class);
        assertThat(output).contains("APPLICATION FAILED TO START", "mptcp4j could not open its MPTCP stack",
                "setcap cap_net_raw,cap_net_admin+ep");
    }

    @Test
    void kernelLimitsAreExplained() {
        NativeCallException tooMany = new NativeCallException("socket(AF_INET, SOCK_RAW, IPPROTO_TCP)", 24,
                "socket(AF_INET, SOCK_RAW, IPPROTO_TCP): Too many open files");
        runner.withBean(MptcpSelectorProvider.class, () -> new FakeProvider(tooMany)).run(context -> {
            FailureAnalysis analysis = new MptcpFailureAnalyzer(null).analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("Too many open files", "errno 24");
            assertThat(analysis.getAction()).contains("ulimit -n");
        });
        NativeCallException noMemory = new NativeCallException("setsockopt(SO_ATTACH_FILTER)", 12,
                "setsockopt(SO_ATTACH_FILTER): Cannot allocate memory");
        assertThat(new MptcpFailureAnalyzer(null).analyze(noMemory).getAction()).contains("optmem_max");
    }

    @Test
    void otherFailuresAreLeftToSpringBoot() {
        assertThat(new MptcpFailureAnalyzer(null).analyze(new IllegalStateException("not ours"))).isNull();
        assertThat(new MptcpFailureAnalyzer(null).analyze(new java.net.SocketException("Connection reset")))
                .isNull();
    }

    private static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE).bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false);
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(MptcpAutoConfiguration.class)
    static class App {
    }

    /** Properties that check the scheduler while they are bound, as an application's own might. */
    public static class CheckingProperties {
        private String scheduler;

        public String getScheduler() {
            return scheduler;
        }

        public void setScheduler(String scheduler) {
            MptcpSchedulerFactory.named(scheduler);
            this.scheduler = scheduler;
        }
    }
}
