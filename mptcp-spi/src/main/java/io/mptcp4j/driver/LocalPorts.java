package io.mptcp4j.driver;

import java.io.IOException;
import java.net.InetAddress;

/**
 * Where the driver takes local ports from: on the wire, {@link io.mptcp4j.io.RawSocketDevice#ownPort}, which keeps
 * the local kernel from answering the port's segments; in memory, a plain counter.
 */
interface LocalPorts {

    /** Takes {@code port} on {@code local} (0: any free one) and returns it. Any thread. */
    int own(InetAddress local, int port) throws IOException;

    /** Gives back a port {@link #own} returned. Any thread. */
    void release(InetAddress local, int port) throws IOException;
}
