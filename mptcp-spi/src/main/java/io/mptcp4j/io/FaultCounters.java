package io.mptcp4j.io;

/**
 * What {@link FaultInjectingDevice} did to one direction so far. A packet is counted once in {@code packets} and
 * ends as dropped (one of the three reasons) or delivered, once per copy; the other counters say what happened on
 * the way.
 *
 * @param packets         packets that entered this direction
 * @param dropped         lost at random
 * @param droppedLinkDown lost because the link was down, on arrival or while held
 * @param droppedOverflow lost on receive because too many packets were held or one did not fit the caller's
 *                        buffer
 * @param corrupted       had a bit flipped
 * @param duplicated      extra copies made
 * @param delayed         copies held for a non-zero delay
 * @param reordered       copies held back to be overtaken
 * @param delivered       copies passed on: to the caller of receive, or to the wrapped device
 */
public record FaultCounters(long packets, long dropped, long droppedLinkDown, long droppedOverflow, long corrupted,
                            long duplicated, long delayed, long reordered, long delivered) {
}
