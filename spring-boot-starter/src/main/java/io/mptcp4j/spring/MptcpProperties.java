package io.mptcp4j.spring;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code mptcp.*} settings of the mptcp4j starter: which stack the application's WebFlux server and WebClient
 * run on, and how its connections use their paths. Every value is checked when the beans are built; an unknown
 * name or a number out of range stops the application at start-up with the list of what would work.
 */
@ConfigurationProperties(MptcpProperties.PREFIX)
public class MptcpProperties {

    /** The prefix of every property. */
    public static final String PREFIX = "mptcp";

    /**
     * Whether the starter sets anything up. When false no mptcp4j bean exists and the WebFlux server and WebClient
     * use plain TCP as usual.
     */
    private boolean enabled = true;

    /**
     * Whether the stack opens while the application starts, so that missing privileges or a bad address stop the
     * start-up with an explanation instead of failing the first request. When false it opens at the first MPTCP
     * connection or listener.
     */
    private boolean openOnStartup = true;

    /**
     * The packet scheduler, which picks the subflow for each chunk of data: minrtt, roundrobin, redundant, blest,
     * ecf, backup, or the name of a scheduler a PacketSchedulerProvider on the class path offers. Ignored when the
     * application declares its own MptcpSchedulerFactory bean.
     */
    private String scheduler = "minrtt";

    /**
     * The congestion control of every subflow: cubic, reno, or the coupled lia, olia, balia, or an algorithm found
     * by ServiceLoader. Ignored when the application declares its own CongestionControlAlgorithm bean.
     */
    private String congestionControl = "cubic";

    /**
     * The path manager, which decides the subflows a connection opens and the addresses it announces: fullmesh,
     * ndiffports, announce or none. Subflows are opened by the connecting side (WebClient); a server announces
     * addresses with "announce". Ignored when the application declares its own MptcpPathManagerFactory bean.
     */
    private String pathManager = "fullmesh";

    /** The most subflows a connection has, the initial one included, 1 to 64 (for ndiffports: the subflows opened). */
    private int maxSubflows = 8;

    /**
     * The local addresses the stack uses, as IP addresses or interface names (every usable address of that
     * interface). Empty: every address of the host except loopback and link-local ones (each used while its link is up).
     */
    private List<String> localAddresses = new ArrayList<>();

    /**
     * Addresses a server announces to its clients with ADD_ADDR (path manager announce), as IP addresses. Empty:
     * every local address but the one a connection arrived on.
     */
    private List<String> announceAddresses = new ArrayList<>();

    /** Whether connections use DSS checksums (RFC 8684 section 3.3.1), which detect middleboxes that alter data. */
    private boolean checksum;

    /**
     * A named network namespace (ip netns) the stack works in instead of the JVM's own; for labs and tests.
     * Connections the exclusion rules leave to the platform stay in the JVM's namespace.
     */
    private String namespace;

    /** Destinations that bypass MPTCP and use the platform's TCP. */
    private final Exclude exclude = new Exclude();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean isOpenOnStartup() {
        return openOnStartup;
    }

    public void setOpenOnStartup(boolean openOnStartup) {
        this.openOnStartup = openOnStartup;
    }

    public String getScheduler() {
        return scheduler;
    }

    public void setScheduler(String scheduler) {
        this.scheduler = scheduler;
    }

    public String getCongestionControl() {
        return congestionControl;
    }

    public void setCongestionControl(String congestionControl) {
        this.congestionControl = congestionControl;
    }

    public String getPathManager() {
        return pathManager;
    }

    public void setPathManager(String pathManager) {
        this.pathManager = pathManager;
    }

    public int getMaxSubflows() {
        return maxSubflows;
    }

    public void setMaxSubflows(int maxSubflows) {
        this.maxSubflows = maxSubflows;
    }

    public List<String> getLocalAddresses() {
        return localAddresses;
    }

    public void setLocalAddresses(List<String> localAddresses) {
        this.localAddresses = localAddresses;
    }

    public List<String> getAnnounceAddresses() {
        return announceAddresses;
    }

    public void setAnnounceAddresses(List<String> announceAddresses) {
        this.announceAddresses = announceAddresses;
    }

    public boolean isChecksum() {
        return checksum;
    }

    public void setChecksum(boolean checksum) {
        this.checksum = checksum;
    }

    public String getNamespace() {
        return namespace;
    }

    public void setNamespace(String namespace) {
        this.namespace = namespace;
    }

    public Exclude getExclude() {
        return exclude;
    }

    /** Which destinations use the platform's own TCP instead of MPTCP. */
    public static class Exclude {

        /**
         * Whether loopback destinations (127.0.0.0/8, ::1) use the platform's TCP. A stack on raw sockets cannot
         * serve the loopback interface, so turning this off leaves loopback clients unanswered.
         */
        private boolean loopback = true;

        /** Address blocks whose destinations use the platform's TCP, e.g. 10.1.0.0/16 or fd00::/8. */
        private List<String> cidrs = new ArrayList<>();

        /** Destination ports (for a server: listening ports) that use the platform's TCP. */
        private List<Integer> ports = new ArrayList<>();

        public boolean isLoopback() {
            return loopback;
        }

        public void setLoopback(boolean loopback) {
            this.loopback = loopback;
        }

        public List<String> getCidrs() {
            return cidrs;
        }

        public void setCidrs(List<String> cidrs) {
            this.cidrs = cidrs;
        }

        public List<Integer> getPorts() {
            return ports;
        }

        public void setPorts(List<Integer> ports) {
            this.ports = ports;
        }
    }
}
