package io.mptcp4j.lab;

/** Flags of a kernel path-manager endpoint, as {@code ip mptcp endpoint add ... FLAG} spells them. */
public enum EndpointFlag {
    /** Announce the address to the peer (ADD_ADDR). */
    SIGNAL,
    /** Open a subflow from this address. */
    SUBFLOW,
    /** Subflows from this address are backup subflows. */
    BACKUP,
    /** Open subflows from this address to every address the peer announces. */
    FULLMESH;

    /** The word {@code ip mptcp} expects. */
    String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
