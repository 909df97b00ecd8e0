package io.mptcp4j.sim;

/**
 * What one {@link SimLink} did so far. Every offered packet ends up delivered, dropped or still in flight; a
 * duplicate adds one packet: {@code offered + duplicated = delivered + dropped + in flight}.
 */
public final class LinkCounters {

    private static final DropReason[] REASONS = DropReason.values();

    private long offeredPackets;
    private long offeredBytes;
    private long deliveredPackets;
    private long deliveredBytes;
    private final long[] droppedPackets = new long[REASONS.length];
    private final long[] droppedBytes = new long[REASONS.length];
    private long duplicatedPackets;
    private long reorderedPackets;
    private long corruptedPackets;

    LinkCounters() {
    }

    void offered(int bytes) {
        offeredPackets++;
        offeredBytes += bytes;
    }

    void delivered(int bytes) {
        deliveredPackets++;
        deliveredBytes += bytes;
    }

    void dropped(DropReason reason, int bytes) {
        droppedPackets[reason.ordinal()]++;
        droppedBytes[reason.ordinal()] += bytes;
    }

    void duplicated() {
        duplicatedPackets++;
    }

    void reordered() {
        reorderedPackets++;
    }

    void corrupted() {
        corruptedPackets++;
    }

    /** Packets the sending host put on the link. */
    public long offeredPackets() {
        return offeredPackets;
    }

    /** Bytes the sending host put on the link. */
    public long offeredBytes() {
        return offeredBytes;
    }

    /** Packets handed to the receiving host, duplicates included. */
    public long deliveredPackets() {
        return deliveredPackets;
    }

    /** Bytes handed to the receiving host, duplicates included. */
    public long deliveredBytes() {
        return deliveredBytes;
    }

    /** Packets dropped for {@code reason}. */
    public long droppedPackets(DropReason reason) {
        return droppedPackets[reason.ordinal()];
    }

    /** Bytes dropped for {@code reason}. */
    public long droppedBytes(DropReason reason) {
        return droppedBytes[reason.ordinal()];
    }

    /** Packets dropped for any reason. */
    public long droppedPackets() {
        long total = 0;
        for (long count : droppedPackets) {
            total += count;
        }
        return total;
    }

    /** Extra copies the link made. */
    public long duplicatedPackets() {
        return duplicatedPackets;
    }

    /** Copies held back by the reordering delay. */
    public long reorderedPackets() {
        return reorderedPackets;
    }

    /** Copies delivered (or still to be) with a flipped bit. */
    public long corruptedPackets() {
        return corruptedPackets;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder()
                .append("offered ").append(offeredPackets).append(" pkt/").append(offeredBytes).append(" B")
                .append(", delivered ").append(deliveredPackets).append(" pkt/").append(deliveredBytes).append(" B");
        for (DropReason reason : REASONS) {
            if (droppedPackets[reason.ordinal()] > 0) {
                text.append(", ").append(reason).append(' ').append(droppedPackets[reason.ordinal()]);
            }
        }
        appendIfAny(text, "duplicated", duplicatedPackets);
        appendIfAny(text, "reordered", reorderedPackets);
        appendIfAny(text, "corrupted", corruptedPackets);
        return text.toString();
    }

    private static void appendIfAny(StringBuilder text, String label, long count) {
        if (count > 0) {
            text.append(", ").append(label).append(' ').append(count);
        }
    }
}
