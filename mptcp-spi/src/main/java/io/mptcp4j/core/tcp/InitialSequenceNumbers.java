package io.mptcp4j.core.tcp;

import java.net.InetAddress;
import java.util.Objects;

/**
 * The per-connection values that must be unpredictable to off-path attackers, all derived from the connection's
 * addresses and ports with a keyed hash ({@link SipHash}) under a secret the stack is given at its edge (the core
 * draws no randomness of its own):
 *
 * <ul>
 *   <li>the initial sequence number of RFC 6528 section 3: {@code ISN = M + F(localip, localport, remoteip,
 *       remoteport, secretkey)}, M being a timer that ticks every 4 microseconds, taken from {@code now};</li>
 *   <li>the timestamp clock offset, random per connection as RFC 7323 section 7.1 recommends;</li>
 *   <li>the ephemeral port search offset of RFC 6056 section 3.3.3 (algorithm 3, keyed on the addresses and the
 *       remote port only, so that ports to different peers are independent).</li>
 * </ul>
 */
public final class InitialSequenceNumbers {

    private static final long DOMAIN_ISN = 1;
    private static final long DOMAIN_TIMESTAMP = 2;
    private static final long DOMAIN_PORT = 3;
    private static final long NANOS_PER_TICK = 4_000;

    private final SipHash function;

    /**
     * @param secret 16 bytes from a cryptographically strong source (for example {@code SecureRandom} at the
     *               driver); copied
     * @throws IllegalArgumentException if the secret is not 16 bytes
     */
    public InitialSequenceNumbers(byte[] secret) {
        Objects.requireNonNull(secret, "secret");
        this.function = new SipHash(secret.clone());
    }

    /** The ISN for a connection opened at {@code now} (RFC 6528 section 3). */
    public int initialSequenceNumber(long now, TcpEndpoint local, TcpEndpoint remote) {
        int m = (int) Math.floorDiv(now, NANOS_PER_TICK);
        return m + (int) tupleHash(DOMAIN_ISN, local, remote);
    }

    /** The offset added to this connection's timestamp clock (RFC 7323 section 7.1). */
    public int timestampOffset(TcpEndpoint local, TcpEndpoint remote) {
        return (int) tupleHash(DOMAIN_TIMESTAMP, local, remote);
    }

    /** Where the ephemeral port search starts for this destination (RFC 6056 section 3.3.3). */
    public int ephemeralPortOffset(InetAddress local, InetAddress remote, int remotePort) {
        long[] l = words(local);
        long[] r = words(remote);
        return (int) function.hash(DOMAIN_PORT, l[0], l[1], r[0], r[1], remotePort);
    }

    private long tupleHash(long domain, TcpEndpoint local, TcpEndpoint remote) {
        long[] l = words(local.address());
        long[] r = words(remote.address());
        return function.hash(domain, l[0], l[1], r[0], r[1], (long) local.port() << 16 | remote.port());
    }

    private static long[] words(InetAddress address) {
        byte[] b = address.getAddress();
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < b.length; i++) {
            if (i < b.length - 8) {
                hi = hi << 8 | (b[i] & 0xFF);
            } else {
                lo = lo << 8 | (b[i] & 0xFF);
            }
        }
        return new long[] {hi | (long) b.length << 56, lo};
    }
}
