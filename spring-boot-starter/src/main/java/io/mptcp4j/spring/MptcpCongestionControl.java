package io.mptcp4j.spring;

import io.mptcp4j.core.cc.CongestionControlAlgorithm;
import io.mptcp4j.core.cc.CongestionControlRegistry;
import io.mptcp4j.core.cc.ConnectionCongestion;
import io.mptcp4j.nio.MptcpConfigurationException;
import java.util.Objects;

/**
 * The congestion control algorithms mptcp4j knows by name, as {@link CongestionControlAlgorithm} beans.
 *
 * <p>The starter's default {@link CongestionControlAlgorithm} bean is {@link #named named} by
 * {@code mptcp.congestion-control}. Declare a {@link CongestionControlAlgorithm} bean of your own to run your
 * algorithm on every subflow; its name must not be one mptcp4j already knows.
 */
public final class MptcpCongestionControl {

    private MptcpCongestionControl() {
    }

    /**
     * The built-in algorithm ({@code cubic}, {@code reno}, {@code lia}, {@code olia}, {@code balia}) or one that
     * {@link java.util.ServiceLoader} finds, called {@code name} (ignoring case).
     *
     * @throws MptcpConfigurationException for an unknown name, listing the known ones (setting
     *                                     {@code mptcp.congestion-control})
     */
    public static CongestionControlAlgorithm named(String name) {
        Objects.requireNonNull(name, "name");
        CongestionControlRegistry registry = CongestionControlRegistry.discover(
                MptcpCongestionControl.class.getClassLoader());
        CongestionControlAlgorithm algorithm = registry.find(name).orElseThrow(() -> new MptcpConfigurationException(
                MptcpSettings.CONGESTION_CONTROL, name, "unknown congestion control", registry.names()));
        return new Named(algorithm);
    }

    /** Whether {@code algorithm} came from {@link #named}: the configuration then refers to it by name. */
    static boolean isNamed(CongestionControlAlgorithm algorithm) {
        return algorithm instanceof Named;
    }

    /** An algorithm of the registry, referred to by name. */
    private static final class Named implements CongestionControlAlgorithm {
        private final CongestionControlAlgorithm algorithm;

        Named(CongestionControlAlgorithm algorithm) {
            this.algorithm = algorithm;
        }

        @Override
        public String name() {
            return algorithm.name();
        }

        @Override
        public ConnectionCongestion newConnection() {
            return algorithm.newConnection();
        }

        @Override
        public String toString() {
            return "CongestionControlAlgorithm[" + algorithm.name() + "]";
        }
    }
}
