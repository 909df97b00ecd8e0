package io.mptcp4j.lab;

/** One of the two hosts of a {@link NamespaceLab}, each a network namespace of its own. */
public enum Host {
    /** The connecting side: address {@code .1} on every path. */
    CLIENT,
    /** The listening side: address {@code .2} on every path. */
    SERVER;

    /** The other host. */
    public Host peer() {
        return this == CLIENT ? SERVER : CLIENT;
    }

    /** Last byte of this host's IPv4 address and last group of its IPv6 address on every path. */
    int hostNumber() {
        return this == CLIENT ? 1 : 2;
    }
}
