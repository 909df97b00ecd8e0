package io.mptcp4j.driver;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Local ports held for as long as something uses them: a connection until it is closed (TIME_WAIT included), a
 * listener until it is closed and every connection it accepted is. The ports go back when the last holder lets
 * go. Confined to the loop thread once made.
 */
final class PortLease {

    private static final System.Logger LOG = System.getLogger(PortLease.class.getName());

    private final LocalPorts ports;
    private final List<InetSocketAddress> owned;
    private int holders = 1;

    /** A lease with one holder, its maker. */
    /** The port held (the same on every address). */
    int port() {
        return owned.get(0).getPort();
    }

    PortLease(LocalPorts ports, List<InetSocketAddress> owned) {
        this.ports = ports;
        this.owned = List.copyOf(owned);
    }

    /** One more holder. */
    void acquire() {
        if (holders == 0) {
            throw new IllegalStateException("lease already given back: " + owned);
        }
        holders++;
    }

    /** One holder less; the last one gives the ports back. */
    void release() {
        if (holders > 0 && --holders == 0) {
            for (InetSocketAddress a : owned) {
                try {
                    ports.release(a.getAddress(), a.getPort());
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.WARNING, "could not give back port " + a, e);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "PortLease" + owned + "x" + holders;
    }
}
