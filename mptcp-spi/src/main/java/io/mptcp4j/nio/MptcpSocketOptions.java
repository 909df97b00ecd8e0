package io.mptcp4j.nio;

import java.net.SocketOption;

/**
 * The MPTCP options of an mptcp4j {@link java.nio.channels.SocketChannel} (and, as defaults for the connections it
 * accepts, of a {@link java.nio.channels.ServerSocketChannel}), set with {@code setOption} before the channel
 * connects (or binds, for a server). A channel that goes through the platform (see {@link ExclusionPolicy})
 * ignores them; reading one gives the value in force.
 */
public final class MptcpSocketOptions {

    private MptcpSocketOptions() {
    }

    /** The packet scheduler's name, e.g. {@code minrtt}, {@code roundrobin}, {@code redundant}, {@code blest}. */
    public static final SocketOption<String> SCHEDULER = new Option<>("MPTCP_SCHEDULER", String.class);

    /** The congestion control's name, e.g. {@code reno}, {@code cubic}, {@code lia}, {@code olia}, {@code balia}. */
    public static final SocketOption<String> CONGESTION_CONTROL =
            new Option<>("MPTCP_CONGESTION_CONTROL", String.class);

    /** The path manager's name: {@code fullmesh}, {@code ndiffports}, {@code announce} or {@code none}. */
    public static final SocketOption<String> PATH_MANAGER = new Option<>("MPTCP_PATH_MANAGER", String.class);

    /** Subflows per connection at most, 1 to 64 (for {@code ndiffports}: how many are opened). */
    public static final SocketOption<Integer> MAX_SUBFLOWS = new Option<>("MPTCP_MAX_SUBFLOWS", Integer.class);

    /** Whether to ask for DSS checksums (RFC 8684 section 3.3.1). */
    public static final SocketOption<Boolean> CHECKSUM = new Option<>("MPTCP_CHECKSUM", Boolean.class);

    private static final class Option<T> implements SocketOption<T> {
        private final String name;
        private final Class<T> type;

        Option(String name, Class<T> type) {
            this.name = name;
            this.type = type;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Class<T> type() {
            return type;
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
