package io.mptcp4j.testing;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the test process may do: reads the effective capability set from {@code /proc/self/status}. */
public final class Privileges {

    /** {@code CAP_NET_ADMIN}: interfaces, qdiscs, MPTCP endpoints. */
    public static final int CAP_NET_ADMIN = 12;
    /** {@code CAP_NET_RAW}: raw sockets. */
    public static final int CAP_NET_RAW = 13;
    /** {@code CAP_SYS_ADMIN}: creating and entering network namespaces. */
    public static final int CAP_SYS_ADMIN = 21;

    private Privileges() {
    }

    /** True if the process holds CAP_NET_ADMIN, CAP_NET_RAW and CAP_SYS_ADMIN (as root normally does). */
    public static boolean canRunInteropTests() {
        BigInteger effective = effectiveCapabilities(Path.of("/proc/self/status"));
        if (effective == null) {
            return "0".equals(uidFromId());
        }
        return hasAll(effective, CAP_NET_ADMIN, CAP_NET_RAW, CAP_SYS_ADMIN);
    }

    /** True if every capability bit in {@code capabilities} is set in {@code effective}. */
    static boolean hasAll(BigInteger effective, int... capabilities) {
        for (int cap : capabilities) {
            if (!effective.testBit(cap)) {
                return false;
            }
        }
        return true;
    }

    /** The {@code CapEff} mask of a {@code /proc/PID/status} file, or null if unreadable. */
    static BigInteger effectiveCapabilities(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("CapEff:")) {
                    return new BigInteger(line.substring("CapEff:".length()).trim(), 16);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return null;
        }
        return null;
    }

    private static String uidFromId() {
        try {
            Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
