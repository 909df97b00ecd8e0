package io.mptcp4j.core.pm;

import java.util.Map;

/**
 * N subflows between the initial pair of addresses, each from its own local port (Linux's out-of-tree
 * {@code ndiffports}): for networks that spread flows over equal-cost paths by their ports (ECMP), where one
 * address pair still has several paths.
 */
public final class NDiffPortsPathManager extends ReconcilingPathManager {

    /** The name {@code mptcp cat --path-manager} and the configuration know it by. */
    public static final String NAME = "ndiffports";

    private final int subflows;

    /**
     * @param subflows the subflows to keep on the initial pair, the initial one included; at least 1
     */
    public NDiffPortsPathManager(int subflows) {
        if (subflows < 1) {
            throw new IllegalArgumentException("ndiffports needs at least 1 subflow, not " + subflows);
        }
        this.subflows = subflows;
    }

    @Override
    protected Map<Path, Integer> desiredPaths(PathContext context) {
        for (RemoteAddress remote : context.remoteAddresses()) {
            if (remote.id() == 0 && context.localAddresses().contains(context.initialLocal().getAddress())) {
                return Map.of(new Path(context.initialLocal().getAddress(), remote), subflows);
            }
        }
        return Map.of();
    }

    @Override
    public String toString() {
        return NAME + "(" + subflows + ")";
    }
}
