package io.mptcp4j.samples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A timed bulk transfer between two {@link ByteStream}s, shared by the benchmarks: the sender writes a fixed
 * pattern for a while and half-closes, the receiver reads to the end and notes the longest stretch without data
 * after a given instant (a failover's gap).
 */
final class LabTransfer {

    static final int CHUNK = 256 * 1024;
    static final Duration WAIT = Duration.ofSeconds(30);

    /**
     * What a transfer measured.
     *
     * @param bytes      bytes the receiver got
     * @param nanos      from the sender's first write to the receiver's end of stream
     * @param longestGap the longest time between two reads that returned data, after {@code watchFrom}
     * @param gapEndedAt when that gap ended, in nanoseconds after the first write
     */
    record Result(long bytes, long nanos, long longestGap, long gapEndedAt) {
        double megabits() {
            return bytes * 8 / (nanos / 1e9) / 1e6;
        }
    }

    private LabTransfer() {
    }

    /**
     * The sender writes for {@code seconds}, then half-closes; the receiver reads to the end.
     *
     * @param watchFromNanos gaps are measured from this long after the first write on (0: from the start)
     * @param atNanos        run {@code action} this long after the first write (ignored when {@code action} is
     *                       null), on its own thread
     */
    static Result run(ByteStream sender, ByteStream receiver, int seconds, long watchFromNanos, long atNanos,
                      Runnable action) throws Exception {
        long[] startBox = new long[1];
        CompletableFuture<long[]> reading = CompletableFuture.supplyAsync(() -> {
            ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);
            long total = 0;
            long last = 0;
            long longest = 0;
            long endedAt = 0;
            try {
                int n;
                while ((n = receiver.read(buffer.clear(), WAIT)) >= 0) {
                    long now = System.nanoTime();
                    if (n > 0) {
                        long since = now - Math.max(last, startBox[0] + watchFromNanos);
                        if (last != 0 && now - startBox[0] > watchFromNanos && since > longest) {
                            longest = since;
                            endedAt = now - startBox[0];
                        }
                        last = now;
                    }
                    total += n;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new long[] {total, System.nanoTime(), longest, endedAt};
        });
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
        for (int i = 0; i < CHUNK; i++) {
            chunk.put(i, (byte) (i * 31 + (i >>> 8)));
        }
        long start = System.nanoTime();
        startBox[0] = start;
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        CompletableFuture<Void> scheduled = action == null ? CompletableFuture.completedFuture(null)
                : CompletableFuture.runAsync(() -> {
                    try {
                        TimeUnit.NANOSECONDS.sleep(Math.max(0, start + atNanos - System.nanoTime()));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    action.run();
                });
        while (System.nanoTime() < end) {
            sender.write(chunk.clear());
        }
        sender.shutdownOutput();
        long[] received = reading.get(WAIT.toSeconds() + seconds, TimeUnit.SECONDS);
        scheduled.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return new Result(received[0], received[1] - start, received[2], received[3]);
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static String formatRate(long rate) {
        return rate % 1_000_000_000 == 0 ? rate / 1_000_000_000 + " Gbit/s"
                : rate % 1_000_000 == 0 ? rate / 1_000_000 + " Mbit/s" : rate + " bit/s";
    }
}
