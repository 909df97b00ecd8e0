package io.mptcp4j.testing;

import io.mptcp4j.io.linux.KernelMptcpSocket;
import io.mptcp4j.io.linux.MptcpInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * Reads a kernel socket's MPTCP_INFO until it shows what a test waits for. The kernel processes what our stack
 * sent in softirq context, possibly on another CPU (receive packet steering in the lab), so a counter read right
 * after the last send can still lag.
 */
public final class KernelMptcpInfo {

    private KernelMptcpInfo() {
    }

    /** The first reading that passes {@code wanted}, or the last one when {@code timeout} has passed. */
    public static MptcpInfo await(KernelMptcpSocket socket, Predicate<MptcpInfo> wanted, Duration timeout)
            throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        MptcpInfo info = socket.mptcpInfo().orElseThrow();
        while (!wanted.test(info) && System.nanoTime() < end) {
            Thread.sleep(5);
            info = socket.mptcpInfo().orElseThrow();
        }
        return info;
    }
}
