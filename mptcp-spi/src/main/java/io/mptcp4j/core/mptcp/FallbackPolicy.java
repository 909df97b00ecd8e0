package io.mptcp4j.core.mptcp;

/** What a connection does when MPTCP cannot be used (RFC 8684 section 3.7). */
public enum FallbackPolicy {
    /** Continue as plain TCP, as RFC 8684 and Linux do: the byte stream keeps working. */
    ALLOW,
    /** MPTCP is required: a connection that would fall back is reset instead and fails with an error. */
    REFUSE
}
