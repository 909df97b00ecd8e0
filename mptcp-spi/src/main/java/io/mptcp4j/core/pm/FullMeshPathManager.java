package io.mptcp4j.core.pm;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A subflow from every local address whose link is up to every address the peer is known by: the one the
 * connection started with and every one it announced (like Linux's {@code fullmesh} endpoints). With one local
 * address and a peer that announces nothing, the connection stays on one path. The default path manager.
 */
public final class FullMeshPathManager extends ReconcilingPathManager {

    /** The name {@code mptcp cat --path-manager} and the configuration know it by. */
    public static final String NAME = "fullmesh";

    @Override
    protected Map<Path, Integer> desiredPaths(PathContext context) {
        Map<Path, Integer> paths = new LinkedHashMap<>();
        for (RemoteAddress remote : context.remoteAddresses()) {
            for (InetAddress local : context.localAddresses()) {
                paths.put(new Path(local, remote), 1);
            }
        }
        return paths;
    }

    @Override
    public String toString() {
        return NAME;
    }
}
