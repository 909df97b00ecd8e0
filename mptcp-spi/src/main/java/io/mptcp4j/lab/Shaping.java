package io.mptcp4j.lab;

import java.time.Duration;
import java.util.List;

/**
 * A token-bucket rate limit for one direction of a path: {@code tc qdisc replace dev X root tbf rate R burst B
 * latency L}.
 *
 * <p>Defaults from {@link #rate(long)}: the burst is 4 ms worth of bytes at the rate, at least 10 full-size
 * frames (15,140 bytes) so a burst always exceeds the MTU and the token bucket does not throttle below the
 * rate on coarse timers; the latency (how long a packet may wait in the tbf queue, which sets its length) is
 * 50 ms, more than a bandwidth-delay product on these sub-millisecond veth links, so a single loss-based flow
 * can fill the pipe.
 *
 * @param rateBitsPerSecond the rate, bits per second
 * @param burstBytes        bucket size, bytes
 * @param latency           longest queueing delay before tail drop
 */
public record Shaping(long rateBitsPerSecond, int burstBytes, Duration latency) {

    /** Smallest burst: ten 1514-byte frames. */
    public static final int MIN_BURST_BYTES = 10 * 1514;

    /** Default queueing latency. */
    public static final Duration DEFAULT_LATENCY = Duration.ofMillis(50);

    /** Validates. */
    public Shaping {
        if (rateBitsPerSecond <= 0 || burstBytes < 1514 || latency.isNegative() || latency.isZero()) {
            throw new IllegalArgumentException("bad shaping: rate " + rateBitsPerSecond + " bit/s, burst "
                    + burstBytes + " B, latency " + latency);
        }
    }

    /** {@code rateBitsPerSecond} with the default burst and latency. */
    public static Shaping rate(long rateBitsPerSecond) {
        long fourMillisBytes = rateBitsPerSecond / 8 / 250;
        int burst = (int) Math.min(Integer.MAX_VALUE / 2, Math.max(MIN_BURST_BYTES, fourMillisBytes));
        return new Shaping(rateBitsPerSecond, burst, DEFAULT_LATENCY);
    }

    /** {@code megabits} Mbit/s with the default burst and latency. */
    public static Shaping megabits(double megabits) {
        return rate((long) (megabits * 1_000_000));
    }

    /** The same rate with another latency. */
    public Shaping withLatency(Duration newLatency) {
        return new Shaping(rateBitsPerSecond, burstBytes, newLatency);
    }

    /** The same rate with another burst. */
    public Shaping withBurst(int newBurstBytes) {
        return new Shaping(rateBitsPerSecond, newBurstBytes, latency);
    }

    /** The tbf arguments after {@code tbf}. */
    List<String> tcArguments() {
        long micros = Math.max(1, latency.toNanos() / 1000);
        return List.of("rate", rateBitsPerSecond + "bit", "burst", Integer.toString(burstBytes),
                "latency", micros + "us");
    }
}
