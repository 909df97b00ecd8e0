package io.mptcp4j.lab;

import java.io.IOException;

/** A lab command exited non-zero or timed out; the message has the command line, exit status and stderr. */
public class CommandFailedException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient ExecResult result;

    /** For a command that ran and failed. */
    public CommandFailedException(ExecResult result) {
        super("command failed (exit " + result.exitCode() + "): " + result.commandLine()
                + (result.stderr().isBlank() ? "" : "\nstderr: " + result.stderr().strip())
                + (result.stdout().isBlank() || !result.stderr().isBlank() ? ""
                        : "\nstdout: " + result.stdout().strip()));
        this.result = result;
    }

    /** For a command that could not be started or did not finish. */
    public CommandFailedException(String message, Throwable cause) {
        super(message, cause);
        this.result = null;
    }

    /** The result, or null if the command never completed. */
    public ExecResult result() {
        return result;
    }
}
