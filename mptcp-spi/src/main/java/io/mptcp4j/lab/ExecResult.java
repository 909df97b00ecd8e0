package io.mptcp4j.lab;

import java.util.List;

/**
 * How a command ended.
 *
 * @param command  the command line as run (with any {@code ip netns exec NS} prefix)
 * @param exitCode the exit status
 * @param stdout   everything it printed on standard output
 * @param stderr   everything it printed on standard error
 */
public record ExecResult(List<String> command, int exitCode, String stdout, String stderr) {

    /** The command line joined by spaces, for messages. */
    public String commandLine() {
        return String.join(" ", command);
    }

    /** True if the exit status is 0. */
    public boolean succeeded() {
        return exitCode == 0;
    }

    /** Returns this result, or throws {@link CommandFailedException} with the command line and stderr. */
    public ExecResult requireSuccess() throws CommandFailedException {
        if (exitCode != 0) {
            throw new CommandFailedException(this);
        }
        return this;
    }
}
