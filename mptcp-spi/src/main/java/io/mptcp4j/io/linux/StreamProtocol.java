package io.mptcp4j.io.linux;

/** The protocol argument of a kernel stream socket: MPTCP ({@code IPPROTO_MPTCP}) or plain TCP. */
public enum StreamProtocol {
    /** {@code IPPROTO_MPTCP} (262): the kernel's Multipath TCP. */
    MPTCP(LinuxConstants.IPPROTO_MPTCP),
    /** {@code IPPROTO_TCP} (6), same as protocol 0 for a stream socket. */
    TCP(LinuxConstants.IPPROTO_TCP);

    private final int nativeValue;

    StreamProtocol(int nativeValue) {
        this.nativeValue = nativeValue;
    }

    /** The {@code IPPROTO_*} number. */
    public int nativeValue() {
        return nativeValue;
    }

    String cName() {
        return this == MPTCP ? "IPPROTO_MPTCP" : "IPPROTO_TCP";
    }
}
