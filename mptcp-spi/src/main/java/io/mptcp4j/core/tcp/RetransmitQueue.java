package io.mptcp4j.core.tcp;

/**
 * The sender's scoreboard: one record per segment sent and not yet cumulatively acknowledged, in sequence order,
 * each with its range of stream offsets, its last send time and its marks (SACKed, lost, retransmitted). Records
 * live in parallel primitive arrays used as a ring, so tracking a segment allocates nothing.
 *
 * <p>It implements the bookkeeping of RFC 6675: SACKed bytes, the IsLost rule with DupThresh, and the pipe
 * estimate, kept as running byte counts the way Linux does ({@code packets_out - sacked_out - lost_out +
 * retrans_out}) so that no ACK has to walk the whole flight. A record's marks are exclusive: a SACKed record is
 * neither lost nor in retransmission; a record in retransmission is also marked lost.
 *
 * <p>Offsets are the connection's send-side stream offsets; a record flagged {@link #FIN} also covers the FIN's
 * sequence number just past its data.
 */
final class RetransmitQueue {

    static final int FIN = 1;
    static final int SACKED = 2;
    static final int LOST = 4;
    /** Retransmitted and not since marked lost again: part of the pipe. */
    static final int RETRANS = 8;
    /** Sent more than once: RTT samples from it are ambiguous (Karn's algorithm). */
    static final int EVER_RETRANS = 16;

    private long[] starts = new long[16];
    private int[] lengths = new int[16];
    private long[] sentTimes = new long[16];
    private byte[] flags = new byte[16];
    private int mask = 15;
    private int head;
    private int size;

    private long outstandingBytes;
    private long sackedBytes;
    private long lostBytes;
    private long retransBytes;
    private long highestSackedEnd = Long.MIN_VALUE;
    /** Records below this index were already examined by {@link #markLostBySack}. */
    private int lossFloor;
    /** No record below this index waits for a retransmission. */
    private int retransmitHint;
    /**
     * At most the send time of the oldest retransmission in flight (a lower bound, exact after a walk of
     * {@link #markLostRetransmissions}): while it is not older than a delivered segment, no walk is needed.
     */
    private long oldestRetransSentTime = Long.MAX_VALUE;
    /** When the highest record newly marked by the last {@link #markLostBySack} was sent. */
    private long lastMarkedSentTime;

    // What the last ackTo() acknowledged, for RTT sampling.
    private boolean ackedAny;
    // Since the last startAck(): the newest first transmission it delivered, for RTT sampling.
    private long freshestDeliveredSentTime;
    private boolean deliveredFresh;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    long start(int i) {
        return starts[slot(i)];
    }

    int length(int i) {
        return lengths[slot(i)];
    }

    /** The offset just past everything the record covers, FIN included. */
    long sequenceEnd(int i) {
        int s = slot(i);
        return starts[s] + lengths[s] + (flags[s] & FIN);
    }

    boolean has(int i, int flag) {
        return (flags[slot(i)] & flag) != 0;
    }

    long sentTime(int i) {
        return sentTimes[slot(i)];
    }

    /** Data bytes in the records. */
    long outstandingBytes() {
        return outstandingBytes;
    }

    long sackedBytes() {
        return sackedBytes;
    }

    long lostBytes() {
        return lostBytes;
    }

    /** Bytes retransmitted and, as far as is known, still in the network. */
    long retransBytes() {
        return retransBytes;
    }

    /**
     * Finds lost retransmissions, RACK's rule (RFC 8985 section 6.2) applied to them only: a retransmitted record
     * not SACKed that was sent before {@code sentBefore} — the send time of a record delivered since, less a
     * reordering window — should have arrived first, so it was lost too. It becomes lost and not retransmitted,
     * due to be sent again, instead of waiting for the retransmission timer (RFC 6675 has no other way to see it).
     *
     * @return the bytes marked
     */
    long markLostRetransmissions(long sentBefore) {
        if (retransBytes == 0 || oldestRetransSentTime - sentBefore >= 0) {
            return 0; // every retransmission in flight was sent after the delivered segment: none is known lost
        }
        long marked = 0;
        long seen = 0;
        long oldest = Long.MAX_VALUE;
        for (int i = 0; i < size && seen < retransBytes; i++) {
            int s = slot(i);
            if ((flags[s] & RETRANS) == 0) {
                continue;
            }
            seen += lengths[s];
            if (sentTimes[s] - sentBefore < 0) {
                flags[s] &= ~RETRANS;
                retransmitHint = Math.min(retransmitHint, i);
                marked += lengths[s];
            } else if (oldest == Long.MAX_VALUE || sentTimes[s] - oldest < 0) {
                oldest = sentTimes[s];
            }
        }
        retransBytes -= marked;
        oldestRetransSentTime = oldest;
        return marked;
    }

    /** RFC 6675's pipe: bytes believed in the network. */
    long pipe() {
        return outstandingBytes - sackedBytes - lostBytes + retransBytes;
    }

    /** The end of the highest SACKed byte, or {@link Long#MIN_VALUE} if nothing is SACKed. */
    long highestSackedEnd() {
        return highestSackedEnd;
    }

    /** Appends a record for a first transmission. */
    void append(long start, int length, boolean fin, long now) {
        if (size == starts.length) {
            grow();
        }
        int s = slot(size);
        starts[s] = start;
        lengths[s] = length;
        sentTimes[s] = now;
        flags[s] = (byte) (fin ? FIN : 0);
        size++;
        outstandingBytes += length;
    }

    /**
     * Removes what a cumulative ACK up to {@code offset} covers: whole records, and the acknowledged front of a
     * record it cuts. Afterwards {@link #ackedAny()} tells whether it removed a record whole, and the records it
     * removed that were neither SACKed before nor ever retransmitted count for {@link #freshestDeliveredSentTime()}.
     *
     * @return the data bytes acknowledged
     */
    long ackTo(long offset) {
        ackedAny = false;
        long acked = 0;
        int removed = 0;
        while (size > 0) {
            int s = slot(0);
            long seqEnd = starts[s] + lengths[s] + (flags[s] & FIN);
            if (seqEnd <= offset) {
                acked += lengths[s];
                forget(s, lengths[s]);
                if ((flags[s] & (EVER_RETRANS | SACKED)) == 0) {
                    delivered(sentTimes[s]);
                }
                ackedAny = true;
                head = (head + 1) & mask;
                size--;
                removed++;
            } else {
                if (starts[s] < offset) {
                    int cut = (int) Math.min(offset - starts[s], lengths[s]);
                    forget(s, cut);
                    starts[s] += cut;
                    lengths[s] -= cut;
                    acked += cut;
                }
                break;
            }
        }
        lossFloor = Math.max(0, lossFloor - removed);
        retransmitHint = Math.max(0, retransmitHint - removed);
        if (size == 0) {
            highestSackedEnd = Long.MIN_VALUE;
        }
        return acked;
    }

    boolean ackedAny() {
        return ackedAny;
    }

    /** Starts the RTT bookkeeping of one ACK: {@link #deliveredFresh()} is false until it delivers something. */
    void startAck() {
        deliveredFresh = false;
    }

    /**
     * Whether the ACK since {@link #startAck()} delivered a record sent only once, by cumulative ACK or newly
     * SACKed (Karn's rule: a retransmitted record's ACK could answer either copy).
     */
    boolean deliveredFresh() {
        return deliveredFresh;
    }

    /**
     * When the most recently sent of those records was sent. Its RTT is the one least inflated by what the ACK
     * covers besides it (a cumulative ACK that fills a hole, or a receiver that acknowledges a batch at once), as
     * Linux's congestion-control RTT and RACK (RFC 8985 section 6.2) take the most recently sent one.
     */
    long freshestDeliveredSentTime() {
        return freshestDeliveredSentTime;
    }

    private void delivered(long sentTime) {
        if (!deliveredFresh || sentTime - freshestDeliveredSentTime > 0) {
            freshestDeliveredSentTime = sentTime;
        }
        deliveredFresh = true;
    }

    /**
     * Marks the records that {@code [left, right)} covers whole as SACKed (RFC 6675 Update()).
     *
     * @return the bytes newly SACKed
     */
    long sack(long left, long right) {
        long newly = 0;
        for (int i = firstStartingAtOrAfter(left); i < size; i++) {
            int s = slot(i);
            if (starts[s] + lengths[s] > right) {
                break;
            }
            if ((flags[s] & SACKED) != 0 || lengths[s] == 0) {
                continue;
            }
            if ((flags[s] & LOST) != 0) {
                lostBytes -= lengths[s];
            }
            if ((flags[s] & RETRANS) != 0) {
                retransBytes -= lengths[s];
            }
            if ((flags[s] & EVER_RETRANS) == 0) {
                delivered(sentTimes[s]);
            }
            flags[s] = (byte) ((flags[s] & ~(LOST | RETRANS)) | SACKED);
            sackedBytes += lengths[s];
            newly += lengths[s];
            highestSackedEnd = Math.max(highestSackedEnd, starts[s] + lengths[s]);
        }
        return newly;
    }

    /**
     * RFC 6675 IsLost(): marks lost every record that is not SACKed and has either {@code dupThresh} SACKed
     * records or more than {@code (dupThresh - 1) * smss} SACKed bytes above it.
     *
     * @return the index of the lowest record newly marked, or -1
     */
    int markLostBySack(int dupThresh, int smss) {
        if (sackedBytes == 0) {
            return -1;
        }
        int top = indexOf(highestSackedEnd - 1);
        int sackedAbove = 0;
        long sackedBytesAbove = 0;
        for (int i = top; i >= lossFloor && i >= 0; i--) {
            int s = slot(i);
            if ((flags[s] & SACKED) != 0) {
                sackedAbove++;
                sackedBytesAbove += lengths[s];
            } else if (sackedAbove >= dupThresh || sackedBytesAbove > (long) (dupThresh - 1) * smss) {
                int lowest = -1;
                for (int j = lossFloor; j <= i; j++) {
                    if (markLost(j)) {
                        lowest = lowest < 0 ? j : lowest;
                        lastMarkedSentTime = sentTimes[slot(j)];
                    }
                }
                lossFloor = i + 1;
                return lowest;
            }
        }
        return -1;
    }

    /** When the highest record newly marked lost by the last {@link #markLostBySack} was (last) sent. */
    long lastMarkedSentTime() {
        return lastMarkedSentTime;
    }

    /**
     * Marks the first record lost and due for (re)transmission: fast retransmit, and the partial ACKs of NewReno
     * (RFC 6582 section 3.2 step 4). A record already retransmitted is sent again.
     */
    void markFirstLost() {
        if (size == 0) {
            return;
        }
        int s = slot(0);
        if ((flags[s] & SACKED) != 0) {
            return;
        }
        if ((flags[s] & RETRANS) != 0) {
            retransBytes -= lengths[s];
            flags[s] &= ~RETRANS;
        }
        markLost(0);
    }

    /**
     * After a retransmission timeout every record not SACKed is lost and nothing is in retransmission
     * (RFC 6675 section 5.1). If the first record is SACKed the receiver reneged (RFC 2018 section 8): every
     * SACK mark is dropped too.
     */
    void markAllLost() {
        boolean reneged = size > 0 && has(0, SACKED);
        for (int i = 0; i < size; i++) {
            int s = slot(i);
            if (reneged && (flags[s] & SACKED) != 0) {
                flags[s] &= ~SACKED;
                sackedBytes -= lengths[s];
            }
            if ((flags[s] & SACKED) == 0) {
                if ((flags[s] & LOST) == 0) {
                    lostBytes += lengths[s];
                }
                flags[s] = (byte) ((flags[s] & ~RETRANS) | LOST);
            }
        }
        if (reneged) {
            highestSackedEnd = Long.MIN_VALUE;
        }
        retransBytes = 0;
        retransmitHint = 0;
        lossFloor = size;
    }

    /** The index of the first record marked lost and not yet retransmitted, or -1. */
    int nextLost() {
        for (int i = retransmitHint; i < size; i++) {
            if ((flags[slot(i)] & (LOST | RETRANS | SACKED)) == LOST) {
                retransmitHint = i;
                return i;
            }
        }
        retransmitHint = size;
        return -1;
    }

    /** Records that record {@code i}, marked lost, was just sent again. */
    void retransmitted(int i, long now) {
        int s = slot(i);
        flags[s] |= RETRANS | EVER_RETRANS;
        retransBytes += lengths[s];
        sentTimes[s] = now;
        if (oldestRetransSentTime == Long.MAX_VALUE || now - oldestRetransSentTime < 0) {
            oldestRetransSentTime = now;
        }
    }

    /** Splits record {@code i} after {@code firstLength} data bytes; the second part keeps the FIN. */
    void split(int i, int firstLength) {
        int s = slot(i);
        if (firstLength <= 0 || firstLength >= lengths[s]) {
            throw new IllegalArgumentException("cannot split " + lengths[s] + " bytes at " + firstLength);
        }
        if (size == starts.length) {
            grow();
            s = slot(i);
        }
        for (int k = size; k > i + 1; k--) {
            int to = slot(k);
            int from = slot(k - 1);
            starts[to] = starts[from];
            lengths[to] = lengths[from];
            sentTimes[to] = sentTimes[from];
            flags[to] = flags[from];
        }
        int t = slot(i + 1);
        starts[t] = starts[s] + firstLength;
        lengths[t] = lengths[s] - firstLength;
        sentTimes[t] = sentTimes[s];
        flags[t] = flags[s];
        lengths[s] = firstLength;
        flags[s] &= ~FIN;
        size++;
        if (lossFloor > i) {
            lossFloor++;
        }
    }

    /** The index of the record covering stream offset {@code offset}, or -1. */
    int indexOf(long offset) {
        int i = firstStartingAtOrAfter(offset + 1) - 1;
        return i >= 0 && offset < sequenceEnd(i) ? i : -1;
    }

    /** Drops every record (the connection is gone). */
    void clear() {
        head = 0;
        size = 0;
        outstandingBytes = sackedBytes = lostBytes = retransBytes = 0;
        highestSackedEnd = Long.MIN_VALUE;
        lossFloor = retransmitHint = 0;
    }

    private boolean markLost(int i) {
        int s = slot(i);
        if ((flags[s] & (SACKED | LOST)) != 0) {
            return false;
        }
        flags[s] |= LOST;
        lostBytes += lengths[s];
        retransmitHint = Math.min(retransmitHint, i);
        return true;
    }

    /** Takes {@code bytes} of record slot {@code s} out of the counters its marks put them in. */
    private void forget(int s, int bytes) {
        outstandingBytes -= bytes;
        int f = flags[s];
        if ((f & SACKED) != 0) {
            sackedBytes -= bytes;
        }
        if ((f & LOST) != 0) {
            lostBytes -= bytes;
        }
        if ((f & RETRANS) != 0) {
            retransBytes -= bytes;
        }
    }

    private int firstStartingAtOrAfter(long offset) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (starts[slot(mid)] < offset) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private int slot(int i) {
        return (head + i) & mask;
    }

    private void grow() {
        int n = starts.length;
        long[] newStarts = new long[2 * n];
        int[] newLengths = new int[2 * n];
        long[] newSent = new long[2 * n];
        byte[] newFlags = new byte[2 * n];
        for (int i = 0; i < size; i++) {
            int s = slot(i);
            newStarts[i] = starts[s];
            newLengths[i] = lengths[s];
            newSent[i] = sentTimes[s];
            newFlags[i] = flags[s];
        }
        starts = newStarts;
        lengths = newLengths;
        sentTimes = newSent;
        flags = newFlags;
        mask = 2 * n - 1;
        head = 0;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("RetransmitQueue[");
        for (int i = 0; i < Math.min(size, 32); i++) {
            int s = slot(i);
            sb.append(i == 0 ? "" : " ").append(starts[s]).append('+').append(lengths[s]);
            String marks = ((flags[s] & FIN) != 0 ? "F" : "") + ((flags[s] & SACKED) != 0 ? "S" : "")
                    + ((flags[s] & LOST) != 0 ? "L" : "") + ((flags[s] & RETRANS) != 0 ? "R" : "");
            if (!marks.isEmpty()) {
                sb.append(marks);
            }
        }
        return sb.append(size > 32 ? " ...]" : "]").append(" out=").append(outstandingBytes).append(" sacked=")
                .append(sackedBytes).append(" lost=").append(lostBytes).append(" retrans=").append(retransBytes)
                .toString();
    }
}
