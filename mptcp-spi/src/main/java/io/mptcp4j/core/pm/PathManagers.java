package io.mptcp4j.core.pm;

import java.net.InetAddress;
import java.util.List;
import java.util.function.Supplier;

/** The built-in path managers by name: what {@code mptcp cat --path-manager} and the configuration accept. */
public final class PathManagers {

    /** The known names, in the order error messages list them. */
    public static final List<String> NAMES = List.of(FullMeshPathManager.NAME, NDiffPortsPathManager.NAME,
            AnnouncePathManager.NAME, "none");

    private PathManagers() {
    }

    /**
     * A factory of the path manager called {@code name}.
     *
     * @param subflows  for {@code ndiffports}: the subflows on the initial pair
     * @param announce  for {@code announce}: the addresses to announce (empty: all but the initial one)
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static Supplier<PathManager> byName(String name, int subflows, List<InetAddress> announce) {
        List<InetAddress> addresses = List.copyOf(announce);
        switch (name) {
            case FullMeshPathManager.NAME:
                return FullMeshPathManager::new;
            case NDiffPortsPathManager.NAME:
                new NDiffPortsPathManager(subflows); // checks the count now rather than per connection
                return () -> new NDiffPortsPathManager(subflows);
            case AnnouncePathManager.NAME:
                return () -> new AnnouncePathManager(addresses);
            case "none":
                return () -> NONE;
            default:
                throw new IllegalArgumentException("unknown path manager '" + name + "'; known: "
                        + String.join(", ", NAMES));
        }
    }

    /** Opens no subflow and announces nothing: one path. */
    public static final PathManager NONE = new PathManager() {
        @Override
        public String toString() {
            return "none";
        }
    };
}
