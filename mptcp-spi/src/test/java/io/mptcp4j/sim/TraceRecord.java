package io.mptcp4j.sim;

import java.util.Arrays;
import java.util.Objects;

/**
 * One packet event kept by a {@link PacketTrace}. Two records are equal when every field is, the captured bytes
 * compared by content.
 *
 * @param time           the virtual instant
 * @param kind           what happened
 * @param location       the link's name, or the host's for a {@link DropReason#NO_ROUTE} drop
 * @param reason         why it was dropped, or null
 * @param originalLength the packet's length
 * @param bytes          the packet's first bytes, up to the trace's snap length; not to be modified
 */
public record TraceRecord(long time, TraceKind kind, String location, DropReason reason, int originalLength,
                          byte[] bytes) {

    @Override
    public boolean equals(Object other) {
        return other instanceof TraceRecord that
                && time == that.time
                && kind == that.kind
                && location.equals(that.location)
                && reason == that.reason
                && originalLength == that.originalLength
                && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(time, kind, location, reason, originalLength) * 31 + Arrays.hashCode(bytes);
    }

    /** "+0.010000000s DELIVERED client:p0>server:p0 1500B", with the drop reason if any. */
    @Override
    public String toString() {
        return SimNetwork.formatInstant(time) + " " + kind + (reason != null ? "(" + reason + ")" : "") + " "
                + location + " " + originalLength + "B";
    }
}
