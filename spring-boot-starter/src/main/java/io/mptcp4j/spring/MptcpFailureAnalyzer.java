package io.mptcp4j.spring;

import io.mptcp4j.io.linux.InsufficientPrivilegesException;
import io.mptcp4j.io.linux.NativeCallException;
import io.mptcp4j.nio.MptcpConfigurationException;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Explains why mptcp4j stopped the application's start-up, and what to do about it: missing privileges for raw
 * sockets or namespaces, an {@code mptcp.*} value that cannot be used (with the values that can), a network
 * namespace or local address that is not there, or a limit of the kernel. Finds the cause anywhere in the chain
 * (bean creation, binding or web server start-up exceptions wrap it). Registered in {@code META-INF/spring.factories}.
 */
public final class MptcpFailureAnalyzer implements FailureAnalyzer, Ordered {

    // Linux errno values.
    private static final int ENOENT = 2;
    private static final int ENOMEM = 12;
    private static final int ENODEV = 19;
    private static final int ENFILE = 23;
    private static final int EMFILE = 24;
    private static final int EPROTONOSUPPORT = 93;
    private static final int ESOCKTNOSUPPORT = 94;
    private static final int EAFNOSUPPORT = 97;
    private static final int EADDRINUSE = 98;
    private static final int EADDRNOTAVAIL = 99;
    private static final int ENOBUFS = 105;

    static final String DISABLE = "To run without MPTCP, set mptcp.enabled=false.";

    private final Environment environment;

    /** @param environment the failed application's environment, for where a bad value was set (may be null) */
    public MptcpFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    /** Before Spring Boot's generic analyzers of bean creation and binding failures, which would hide the cause. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 100;
    }

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        InsufficientPrivilegesException privileges = find(failure, InsufficientPrivilegesException.class);
        if (privileges != null) {
            return privileges(privileges, failure);
        }
        MptcpConfigurationException configuration = find(failure, MptcpConfigurationException.class);
        if (configuration != null) {
            return configuration(configuration, failure);
        }
        BindException binding = find(failure, BindException.class);
        if (binding != null && binding.getName() != null
                && binding.getName().toString().startsWith(MptcpProperties.PREFIX + ".")) {
            return binding(binding, failure);
        }
        NativeCallException kernel = find(failure, NativeCallException.class);
        if (kernel != null) {
            return kernel(kernel, failure);
        }
        return null;
    }

    private FailureAnalysis privileges(InsufficientPrivilegesException e, Throwable failure) {
        String capability = e.capability() == null ? "" : e.capability();
        String description = "mptcp4j could not open its MPTCP stack: " + e.getMessage() + " (" + e.call() + ").";
        String action;
        if (capability.equals("CAP_SYS_ADMIN")) {
            action = "Entering the network namespace named by mptcp.namespace needs root or CAP_SYS_ADMIN. Run the"
                    + " application as root, or remove mptcp.namespace to use the JVM's own namespace. " + DISABLE;
        } else {
            action = "The userspace MPTCP stack sends and receives TCP segments on raw sockets, which needs root or"
                    + " the capabilities CAP_NET_RAW and CAP_NET_ADMIN. Run the application as root, or give the"
                    + " JVM the capabilities:\n"
                    + "    sudo setcap cap_net_raw,cap_net_admin+ep \"$(readlink -f \"$(command -v java)\")\"\n"
                    + "(under systemd: AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN; in a container: --cap-add"
                    + " NET_RAW --cap-add NET_ADMIN). " + DISABLE;
        }
        return new FailureAnalysis(description, action, failure);
    }

    private FailureAnalysis configuration(MptcpConfigurationException e, Throwable failure) {
        String property = MptcpSettings.property(e.setting());
        String problem = e.problem();
        StringBuilder description = new StringBuilder("Invalid mptcp4j setting:\n\n    Property: ").append(property)
                .append("\n    Value: \"").append(e.value()).append('"');
        String origin = origin(property);
        if (origin != null) {
            description.append("\n    Origin: ").append(origin);
        }
        description.append("\n    Reason: ").append(problem);
        String action;
        if (!e.validValues().isEmpty()) {
            action = "Set " + property + " to one of: " + String.join(", ", e.validValues()) + "."
                    + (property.equals(MptcpSettings.SCHEDULER) || property.equals(MptcpSettings.CONGESTION_CONTROL)
                    || property.equals(MptcpSettings.PATH_MANAGER) ? " Or declare a bean of your own (see "
                    + beanFor(property) + ") to use an implementation that mptcp4j does not know by name." : "");
        } else {
            action = actionFor(property);
        }
        return new FailureAnalysis(description.toString(), action, failure);
    }

    /** A value of the wrong type for an {@code mptcp.*} property (Spring Boot's analysis, with an mptcp4j action). */
    private FailureAnalysis binding(BindException e, Throwable failure) {
        String property = e.getName().toString();
        ConfigurationProperty bound = e.getProperty();
        StringBuilder description = new StringBuilder("Invalid mptcp4j setting:\n\n    Property: ").append(property);
        if (bound != null) {
            description.append("\n    Value: \"").append(bound.getValue()).append('"');
            if (bound.getOrigin() != null) {
                description.append("\n    Origin: ").append(bound.getOrigin());
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        description.append("\n    Reason: not a value of type ").append(e.getTarget().getType())
                .append(root != e ? " (" + root.getMessage() + ")" : "");
        String action;
        Class<?> type = e.getTarget().getType().resolve(Object.class);
        if (type == boolean.class || type == Boolean.class) {
            action = "Set " + property + " to true or false.";
        } else {
            action = actionFor(property.replaceAll("\\[\\d+]$", ""));
        }
        return new FailureAnalysis(description.toString(), action, failure);
    }

    private static String beanFor(String property) {
        switch (property) {
            case MptcpSettings.SCHEDULER:
                return "MptcpSchedulerFactory";
            case MptcpSettings.CONGESTION_CONTROL:
                return "CongestionControlAlgorithm";
            default:
                return "MptcpPathManagerFactory";
        }
    }

    private static String actionFor(String property) {
        switch (property) {
            case MptcpSettings.MAX_SUBFLOWS:
                return "Set mptcp.max-subflows to a number from 1 to 64 (subflows per connection, the initial one"
                        + " included).";
            case MptcpSettings.LOCAL_ADDRESSES:
                return "List in mptcp.local-addresses IP addresses of this host or names of its interfaces (see"
                        + " 'ip -brief address'), or remove the property to use every non-loopback address.";
            case MptcpSettings.ANNOUNCE_ADDRESSES:
                return "List in mptcp.announce-addresses IP addresses (no host names) of this host, e.g."
                        + " 10.0.1.2 or fd00::2.";
            case MptcpSettings.EXCLUDE_CIDRS:
                return "Write each block of mptcp.exclude.cidrs as ADDRESS/BITS, e.g. 10.0.0.0/8 or fd00::/8.";
            case MptcpSettings.EXCLUDE_PORTS:
                return "List in mptcp.exclude.ports port numbers from 1 to 65535.";
            case MptcpSettings.NAMESPACE:
                return "Create the namespace (ip netns add NAME) or set mptcp.namespace to one that exists ('ip netns"
                        + " list' shows them), or remove it to use the JVM's own namespace.";
            case MptcpSettings.CONGESTION_CONTROL:
                return "Give your CongestionControlAlgorithm bean a name of its own, or remove it and choose a"
                        + " built-in algorithm with mptcp.congestion-control.";
            default:
                return "Correct " + property + ", or remove it to use the default.";
        }
    }

    private FailureAnalysis kernel(NativeCallException e, Throwable failure) {
        String description = "mptcp4j could not open its MPTCP stack: " + e.getMessage() + " (" + e.call()
                + ", errno " + e.errno() + ").";
        String action;
        switch (e.errno()) {
            case EMFILE:
            case ENFILE:
                action = "The process or the system ran out of file descriptors. Raise the limit (ulimit -n, or"
                        + " LimitNOFILE= under systemd; fs.file-max for the system).";
                break;
            case ENOMEM:
            case ENOBUFS:
                action = "The kernel refused memory for a socket or its filter. Raise the socket option memory"
                        + " limit (sysctl net.core.optmem_max) and the locked-memory limit (ulimit -l), or free"
                        + " memory.";
                break;
            case EADDRINUSE:
            case EADDRNOTAVAIL:
                action = "An address or port the stack needs is taken or not on this host. Check"
                        + " mptcp.local-addresses and the server port (ss -ltnp shows who holds a port).";
                break;
            case EAFNOSUPPORT:
            case EPROTONOSUPPORT:
            case ESOCKTNOSUPPORT:
                action = "This kernel lacks raw sockets for the address family, or MPTCP. mptcp4j needs Linux 5.15"
                        + " or newer with IPv4/IPv6 raw sockets; check 'sysctl net.mptcp.enabled' and the kernel"
                        + " configuration.";
                break;
            case ENOENT:
            case ENODEV:
                action = "A network namespace or interface named in mptcp.namespace or mptcp.local-addresses does"
                        + " not exist (see 'ip netns list' and 'ip -brief link').";
                break;
            default:
                action = "Check the kernel's limits and the mptcp.* settings named in the message. " + DISABLE;
                break;
        }
        return new FailureAnalysis(description, action, failure);
    }

    /** Where {@code property} was set ("class path resource [application.properties] - 3:17"), or null. */
    private String origin(String property) {
        if (environment == null || !ConfigurationPropertyName.isValid(property)) {
            return null;
        }
        try {
            ConfigurationPropertyName name = ConfigurationPropertyName.of(property);
            for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
                ConfigurationProperty p = source.getConfigurationProperty(name);
                if (p != null && p.getOrigin() != null) {
                    return p.getOrigin().toString();
                }
            }
        } catch (RuntimeException e) {
            // no origin then: the analysis stands without it
        }
        return null;
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
