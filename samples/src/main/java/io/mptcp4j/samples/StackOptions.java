package io.mptcp4j.samples;

import io.mptcp4j.core.cc.CongestionControlRegistry;
import io.mptcp4j.core.mptcp.MptcpConfig;
import io.mptcp4j.core.pm.AnnouncePathManager;
import io.mptcp4j.core.pm.FullMeshPathManager;
import io.mptcp4j.core.pm.NDiffPortsPathManager;
import io.mptcp4j.core.pm.PathManagers;
import io.mptcp4j.core.sched.PacketSchedulers;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The options of the commands that run mptcp4j's userspace MPTCP ({@code cat}, {@code perf}): the stack's local
 * addresses, its path manager (RFC 8684 section 3.4), subflow limit, announced and backup addresses (sections
 * 3.4.1, 3.3.8), packet scheduler and congestion control. Checked in one place so that every command refuses the
 * same mistakes with the same words; {@link UserspaceStacks#open} turns them into a stack.
 */
final class StackOptions {

    /** Options with a value. */
    static final Set<String> OPTIONS = Set.of("bind", "path-manager", "max-subflows", "announce", "backup",
            "scheduler", "cc");
    /** Options without a value. */
    static final Set<String> FLAGS = Set.of("checksum");

    private StackOptions() {
    }

    /**
     * What the options ask of the stack. {@code pathManager} is the name in effect (see {@link PathManagers});
     * {@code maxSubflows} counts the initial subflow and is also ndiffports' N.
     */
    record Stack(List<InetAddress> bind, boolean checksum, String pathManager, int maxSubflows,
                 List<InetAddress> announce, List<InetAddress> backup, String scheduler, String congestion) {
    }

    /**
     * Reads and checks the stack options of {@code o} for the listening side ({@code listen} given: its address,
     * the wildcard for every address) or the connecting side ({@code connect} given: the remote address).
     */
    static Stack parse(Options o, InetSocketAddress listen, InetAddress connect) throws Mptcp.UsageException {
        List<InetAddress> bind = addresses(o, "bind");
        InetAddress source = connect == null ? null : source(bind, connect);
        if (connect != null && !bind.isEmpty() && source == null) {
            throw new Mptcp.UsageException("--bind has no address of the family of --connect's address "
                    + connect.getHostAddress() + ": the initial subflow starts from one");
        }
        int maxSubflows = o.integer("max-subflows", MptcpConfig.defaults().maxSubflows(), 1,
                MptcpConfig.MAX_SUBFLOWS);
        List<InetAddress> announce = addresses(o, "announce");
        List<InetAddress> backup = addresses(o, "backup");
        String pathManager = pathManager(o, listen, announce);
        for (InetAddress a : announce) {
            if (!bind.isEmpty() && !bind.contains(a)) {
                throw new Mptcp.UsageException("--announce " + a.getHostAddress()
                        + " is not one of the --bind addresses");
            }
        }
        if (!backup.isEmpty() && bind.isEmpty()) {
            throw new Mptcp.UsageException("--backup needs --bind: backup addresses are local addresses of the "
                    + "stack");
        }
        for (InetAddress a : backup) {
            if (!bind.contains(a)) {
                throw new Mptcp.UsageException("--backup " + a.getHostAddress()
                        + " is not one of the --bind addresses");
            }
            if (a.equals(source)) {
                // RFC 8684 section 3.3.8: backup is signalled by MP_JOIN's B flag; MP_CAPABLE has none.
                throw new Mptcp.UsageException("--backup " + a.getHostAddress() + " is where the initial "
                        + "subflow starts (the first --bind address of its family); only joined subflows can be "
                        + "backups");
            }
        }
        String scheduler = o.text("scheduler", PacketSchedulers.DEFAULT);
        try {
            PacketSchedulers.byName(scheduler);
        } catch (IllegalArgumentException e) {
            throw new Mptcp.UsageException("--scheduler: " + e.getMessage());
        }
        String congestion = o.text("cc", CongestionControlRegistry.DEFAULT_ALGORITHM);
        CongestionControlRegistry registry = CongestionControlRegistry.discover();
        if (registry.find(congestion).isEmpty()) {
            throw new Mptcp.UsageException("--cc: unknown congestion control '" + congestion + "'; known: "
                    + String.join(", ", registry.names()));
        }
        return new Stack(bind, o.flag("checksum"), pathManager, maxSubflows, announce, backup, scheduler,
                congestion);
    }

    /**
     * The path manager in effect: --path-manager if given, else {@code announce} with --announce, else
     * {@code fullmesh}. Names that would do nothing in their role are refused: subflows are opened by the
     * connecting side and addresses announced by the listening side (RFC 8684 section 3.4).
     */
    private static String pathManager(Options o, InetSocketAddress listen, List<InetAddress> announce)
            throws Mptcp.UsageException {
        String given = o.text("path-manager", null);
        if (given != null) {
            try {
                PathManagers.byName(given, 1, List.of());
            } catch (IllegalArgumentException e) {
                throw new Mptcp.UsageException("--path-manager: " + e.getMessage());
            }
        }
        if (!announce.isEmpty()) {
            if (listen == null) {
                throw new Mptcp.UsageException("--announce is for the listening side (--listen): it sends "
                        + "ADD_ADDR for this host's other addresses");
            }
            if (given != null && !given.equals(AnnouncePathManager.NAME)) {
                throw new Mptcp.UsageException("--announce goes with --path-manager " + AnnouncePathManager.NAME
                        + " (or none given), not " + given);
            }
        }
        String name = given != null ? given : announce.isEmpty() ? FullMeshPathManager.NAME
                : AnnouncePathManager.NAME;
        if (name.equals(AnnouncePathManager.NAME) && listen != null
                && !listen.getAddress().isAnyLocalAddress()) {
            throw new Mptcp.UsageException("--path-manager " + AnnouncePathManager.NAME + " needs --listen on "
                    + "every address (:PORT): joins to the announced addresses must reach the listener");
        }
        if (given != null && listen == null && name.equals(AnnouncePathManager.NAME)) {
            throw new Mptcp.UsageException("--path-manager " + name + " is for the listening side; the "
                    + "connecting side opens subflows with " + FullMeshPathManager.NAME + " or "
                    + NDiffPortsPathManager.NAME);
        }
        if (given != null && listen != null && (name.equals(FullMeshPathManager.NAME)
                || name.equals(NDiffPortsPathManager.NAME))) {
            throw new Mptcp.UsageException("--path-manager " + name + " opens subflows from the connecting "
                    + "side only; the listening side takes " + AnnouncePathManager.NAME + " or none");
        }
        return name;
    }

    /** The first of {@code bind} of {@code remote}'s family: the initial subflow's source; null if none. */
    static InetAddress source(List<InetAddress> bind, InetAddress remote) {
        for (InetAddress a : bind) {
            if (a instanceof Inet4Address == remote instanceof Inet4Address) {
                return a;
            }
        }
        return null;
    }

    /** A comma-separated list of concrete IP address literals, without repeats, in order. */
    static List<InetAddress> addresses(Options o, String option) throws Mptcp.UsageException {
        Set<InetAddress> list = new LinkedHashSet<>();
        if (o.flag(option)) {
            for (String a : o.text(option, "").split(",", -1)) {
                InetAddress address = literal(option, a.strip());
                if (address.isAnyLocalAddress()) {
                    throw new Mptcp.UsageException("--" + option + " needs concrete addresses, got '" + a + "'");
                }
                list.add(address);
            }
        }
        return List.copyOf(list);
    }

    /** An IP address literal (no name lookup). */
    static InetAddress literal(String option, String text) throws Mptcp.UsageException {
        if (text.isEmpty() || !(text.matches("[0-9.]+") || text.contains(":"))) {
            throw new Mptcp.UsageException("--" + option + " needs an IP address, got '" + text + "'");
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new Mptcp.UsageException("--" + option + " needs an IP address, got '" + text + "'");
        }
    }
}
