package io.mptcp4j.spring;

import io.mptcp4j.core.cc.CongestionControlAlgorithm;
import io.mptcp4j.core.cc.CongestionControlRegistry;
import io.mptcp4j.nio.ExclusionPolicy;
import io.mptcp4j.nio.MptcpConfigurationException;
import io.mptcp4j.nio.MptcpProviderConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Turns {@link MptcpProperties} and the scheduler, congestion control and path manager beans into a configuration. */
final class MptcpConfigFactory {

    private MptcpConfigFactory() {
    }

    /**
     * The provider configuration.
     *
     * @throws MptcpConfigurationException naming the {@code mptcp.*} property whose value cannot be used
     */
    static MptcpProviderConfig build(MptcpProperties properties, MptcpSchedulerFactory scheduler,
                                     CongestionControlAlgorithm congestionControl,
                                     MptcpPathManagerFactory pathManager) {
        try {
            MptcpProviderConfig.Builder b = MptcpProviderConfig.builder();
            b.localAddresses(properties.getLocalAddresses());
            // Before the path manager: the builder checks a named path manager against these two.
            b.maxSubflows(properties.getMaxSubflows());
            b.announce(announceAddresses(properties.getAnnounceAddresses()));
            if (scheduler instanceof MptcpSchedulerFactory.Named) {
                b.scheduler(scheduler.name());
            } else {
                b.scheduler(scheduler.name(), scheduler::create);
            }
            if (MptcpCongestionControl.isNamed(congestionControl)) {
                b.congestionControl(congestionControl.name());
            } else {
                checkOwnAlgorithm(congestionControl);
                b.congestionControl(congestionControl);
            }
            if (pathManager instanceof MptcpPathManagerFactory.Named) {
                b.pathManager(pathManager.name());
            } else {
                b.pathManager(pathManager.name(), pathManager::create);
            }
            b.checksum(properties.isChecksum());
            b.exclusion(exclusion(properties.getExclude()));
            String namespace = properties.getNamespace();
            b.namespace(namespace == null || namespace.isBlank() ? null : namespace.trim());
            return b.build();
        } catch (MptcpConfigurationException e) {
            throw withPropertyName(e);
        }
    }

    /** The announced addresses: IP literals only (a host name would need a lookup at start-up). */
    static List<InetAddress> announceAddresses(List<String> entries) {
        List<InetAddress> out = new ArrayList<>();
        for (String entry : entries) {
            out.add(literal(MptcpSettings.ANNOUNCE_ADDRESSES, entry));
        }
        return out;
    }

    static ExclusionPolicy exclusion(MptcpProperties.Exclude exclude) {
        for (String cidr : exclude.getCidrs()) {
            try {
                ExclusionPolicy.of(false, List.of(cidr), Set.of());
            } catch (IllegalArgumentException e) {
                throw new MptcpConfigurationException(MptcpSettings.EXCLUDE_CIDRS, String.valueOf(cidr),
                        e.getMessage(), List.of());
            }
        }
        Set<Integer> ports = new LinkedHashSet<>();
        for (Integer port : exclude.getPorts()) {
            if (port == null || port < 1 || port > 0xFFFF) {
                throw new MptcpConfigurationException(MptcpSettings.EXCLUDE_PORTS, String.valueOf(port),
                        "not a port (1 to 65535)", List.of());
            }
            ports.add(port);
        }
        return ExclusionPolicy.of(exclude.isLoopback(), exclude.getCidrs(), ports);
    }

    /** An algorithm bean of the application's own may not take a name the registry has already. */
    private static void checkOwnAlgorithm(CongestionControlAlgorithm algorithm) {
        String name = algorithm.name();
        if (name == null || name.isBlank()) {
            throw new MptcpConfigurationException(MptcpSettings.CONGESTION_CONTROL, String.valueOf(name),
                    "the CongestionControlAlgorithm bean " + algorithm + " has no name", List.of());
        }
        CongestionControlRegistry registry = CongestionControlRegistry.discover(
                MptcpConfigFactory.class.getClassLoader());
        if (registry.find(name).isPresent()) {
            throw new MptcpConfigurationException(MptcpSettings.CONGESTION_CONTROL, name,
                    "the CongestionControlAlgorithm bean " + algorithm.getClass().getName()
                            + " takes a name mptcp4j already knows; give it another (taken: "
                            + String.join(", ", registry.names()) + ")", List.of());
        }
    }

    static InetAddress literal(String property, String text) {
        String s = text == null ? "" : text.trim();
        boolean looksLiteral = s.indexOf(':') >= 0
                || (!s.isEmpty() && s.chars().allMatch(c -> c == '.' || Character.isDigit(c)));
        if (looksLiteral) {
            try {
                return InetAddress.getByName(s); // a literal: no lookup happens
            } catch (UnknownHostException e) {
                // reported below
            }
        }
        throw new MptcpConfigurationException(property, String.valueOf(text), "not an IP address", List.of());
    }

    /** The same exception with the {@code mptcp.*} property in place of mptcp4j's own setting name. */
    static MptcpConfigurationException withPropertyName(MptcpConfigurationException e) {
        String property = MptcpSettings.property(e.setting());
        if (property.equals(e.setting())) {
            return e;
        }
        MptcpConfigurationException renamed = new MptcpConfigurationException(property, e.value(), e.problem(),
                e.validValues());
        renamed.setStackTrace(e.getStackTrace());
        return renamed;
    }
}
