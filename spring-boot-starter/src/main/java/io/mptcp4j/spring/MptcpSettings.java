package io.mptcp4j.spring;

import java.util.Map;

/** The {@code mptcp.*} property names, and the property behind each setting name of mptcp4j's own configuration. */
final class MptcpSettings {

    static final String SCHEDULER = "mptcp.scheduler";
    static final String CONGESTION_CONTROL = "mptcp.congestion-control";
    static final String PATH_MANAGER = "mptcp.path-manager";
    static final String MAX_SUBFLOWS = "mptcp.max-subflows";
    static final String LOCAL_ADDRESSES = "mptcp.local-addresses";
    static final String ANNOUNCE_ADDRESSES = "mptcp.announce-addresses";
    static final String CHECKSUM = "mptcp.checksum";
    static final String NAMESPACE = "mptcp.namespace";
    static final String EXCLUDE_CIDRS = "mptcp.exclude.cidrs";
    static final String EXCLUDE_PORTS = "mptcp.exclude.ports";

    /** MptcpConfigurationException.setting() as io.mptcp4j.nio.MptcpProviderConfig names it -> the property. */
    private static final Map<String, String> BY_SETTING = Map.ofEntries(
            Map.entry("addresses", LOCAL_ADDRESSES),
            Map.entry("scheduler", SCHEDULER),
            Map.entry("congestion-control", CONGESTION_CONTROL),
            Map.entry("path-manager", PATH_MANAGER),
            Map.entry("max-subflows", MAX_SUBFLOWS),
            Map.entry("announce", ANNOUNCE_ADDRESSES),
            Map.entry("checksum", CHECKSUM),
            Map.entry("namespace", NAMESPACE),
            Map.entry("exclude.cidrs", EXCLUDE_CIDRS),
            Map.entry("exclude.ports", EXCLUDE_PORTS),
            Map.entry("exclude.loopback", "mptcp.exclude.loopback"),
            Map.entry("exclude", "mptcp.exclude"));

    private MptcpSettings() {
    }

    /** The property for a setting: itself if it is one already, {@code mptcp.} + the setting otherwise. */
    static String property(String setting) {
        if (setting.startsWith("mptcp.")) {
            return setting;
        }
        return BY_SETTING.getOrDefault(setting, "mptcp." + setting);
    }
}
