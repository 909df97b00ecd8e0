package io.mptcp4j.nio;

import java.util.List;

/**
 * A setting of mptcp4j that cannot be used: an unknown scheduler, congestion control or path manager name, a
 * number out of range, an address that is not one. Says which setting, the value given and, where there is a
 * list, the values that would work.
 */
public class MptcpConfigurationException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String setting;
    private final String value;
    private final String problem;
    private final List<String> validValues;

    public MptcpConfigurationException(String setting, String value, String problem, List<String> validValues) {
        super(setting + "=" + value + ": " + problem
                + (validValues.isEmpty() ? "" : " (known: " + String.join(", ", validValues) + ")"));
        this.setting = setting;
        this.value = value;
        this.problem = problem;
        this.validValues = List.copyOf(validValues);
    }

    /** The setting's name, as a system property without its {@code mptcp4j.} prefix (e.g. {@code scheduler}). */
    public String setting() {
        return setting;
    }

    /** The value that was refused. */
    public String value() {
        return value;
    }

    /** What is wrong with the value, e.g. "unknown packet scheduler". */
    public String problem() {
        return problem;
    }

    /** The values that would be accepted, when they form a list; else empty. */
    public List<String> validValues() {
        return validValues;
    }
}
