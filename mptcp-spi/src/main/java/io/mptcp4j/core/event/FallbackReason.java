package io.mptcp4j.core.event;

/** Why an MPTCP connection continues as plain TCP (RFC 8684 section 3.7). */
public enum FallbackReason {
    /** The peer's SYN carried no usable MP_CAPABLE: it does not speak MPTCP v1, or not with HMAC-SHA256. */
    PEER_NOT_MPTCP,
    /** The SYN-ACK carried no usable MP_CAPABLE (Linux's MPCapableFallbackSYNACK). */
    SYN_ACK_WITHOUT_MP_CAPABLE,
    /** The ACK completing the handshake carried no MP_CAPABLE with our key (Linux's MPCapableFallbackACK). */
    ACK_WITHOUT_MP_CAPABLE,
    /**
     * The peer's first segment after the handshake came without a DSS option, before the connection was
     * confirmed (section 3.7: the options were stripped on the way).
     */
    DSS_MISSING_BEFORE_CONFIRMED,
    /**
     * The peer acknowledged our data on the sole subflow without any DSS option: the options were stripped after
     * the connection was established (section 3.7; Linux's DSSFallback).
     */
    DATA_ACK_MISSING,
    /** Data arrived that no DSS mapping covers, on the connection's sole subflow (section 3.7). */
    DATA_WITHOUT_MAPPING,
    /**
     * A DSS mapping contradicted an earlier one for the same bytes (Linux's DSSNotMatching), on the sole subflow:
     * as Linux, the initial subflow falls back rather than being reset.
     */
    INVALID_MAPPING,
    /** A DSS checksum failed on the sole subflow; MP_FAIL was sent (section 3.7). */
    CHECKSUM_FAILED,
    /** The peer sent MP_FAIL: its checksum of our data failed (section 3.7). */
    MP_FAIL_RECEIVED,
    /** The peer sent an infinite mapping (data-level length 0, section 3.3.1). */
    INFINITE_MAPPING_RECEIVED,
    /** A simultaneous open, which MP_CAPABLE cannot complete (as Linux does). */
    SIMULTANEOUS_OPEN
}
