package io.mptcp4j.driver;

import io.mptcp4j.core.mptcp.SubflowPorts;
import io.mptcp4j.io.RawSocketDevice;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.util.Objects;

/**
 * The ports and routes of the subflows an {@link io.mptcp4j.core.mptcp.MptcpStack} opens on its own, taken from a
 * {@link RawSocketDevice}: each port is owned on the device ({@link LocalPorts}, so the local kernel stays silent
 * on it) before the SYN leaves, and given back when the subflow is gone; each (local, remote) pair is pinned to
 * the local address's interface while a subflow uses it. Runs on the loop thread, like the stack.
 */
final class DeviceSubflowPorts implements SubflowPorts {

    private static final System.Logger LOG = System.getLogger(DeviceSubflowPorts.class.getName());

    private final LocalPorts ports;
    private final RawSocketDevice device;

    DeviceSubflowPorts(LocalPorts ports, RawSocketDevice device) {
        this.ports = Objects.requireNonNull(ports);
        this.device = Objects.requireNonNull(device);
    }

    /** A port owned on the device, or -1 if none can be had now (the kernel refused, the filter is full). */
    @Override
    public int acquire(InetAddress local) {
        try {
            return ports.own(local, 0);
        } catch (IOException | IllegalStateException | IllegalArgumentException e) {
            LOG.log(Level.DEBUG, "no subflow port on " + local.getHostAddress() + " now", e);
            return -1;
        }
    }

    @Override
    public void release(InetAddress local, int port) {
        try {
            ports.release(local, port);
        } catch (IOException | IllegalArgumentException e) {
            LOG.log(Level.DEBUG, "subflow port " + port + " on " + local.getHostAddress() + " not released", e);
        }
    }

    @Override
    public void pinRoute(InetAddress local, InetAddress remote) {
        device.pinRoute(local, remote);
    }

    @Override
    public void unpinRoute(InetAddress local, InetAddress remote) {
        device.unpinRoute(local, remote);
    }
}
