package io.mptcp4j.io.linux;

import java.io.IOException;

/**
 * A libc call failed: carries the call as written in the message (e.g. {@code "connect(10.0.0.2:80)"}) and
 * the errno it returned, so callers can tell, say, {@code ECONNREFUSED} from {@code ETIMEDOUT}.
 */
public class NativeCallException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    /** Builds the exception; {@code message} should already name the call and the error text. */
    public NativeCallException(String call, int errno, String message) {
        super(message);
        this.call = call;
        this.errno = errno;
    }

    /** The failing call with its salient arguments, e.g. {@code "socket(AF_INET, SOCK_RAW, IPPROTO_TCP)"}. */
    public String call() {
        return call;
    }

    /** The errno value (Linux numbering). */
    public int errno() {
        return errno;
    }
}
