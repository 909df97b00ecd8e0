package io.mptcp4j.io.linux;

/**
 * A call failed with {@code EPERM} or {@code EACCES} because the process lacks a privilege: raw sockets need
 * root or {@code CAP_NET_RAW}, entering a network namespace needs root or {@code CAP_SYS_ADMIN}. The message
 * names the capability.
 */
public class InsufficientPrivilegesException extends NativeCallException {

    private static final long serialVersionUID = 1L;

    private final String capability;

    /** Builds the exception; {@code capability} is e.g. {@code "CAP_NET_RAW"}. */
    public InsufficientPrivilegesException(String call, int errno, String message, String capability) {
        super(call, errno, message);
        this.capability = capability;
    }

    /** The Linux capability that would have allowed the call, e.g. {@code "CAP_NET_RAW"}. */
    public String capability() {
        return capability;
    }
}
