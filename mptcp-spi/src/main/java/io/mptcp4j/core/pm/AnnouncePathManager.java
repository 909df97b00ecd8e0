package io.mptcp4j.core.pm;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * For servers: announces extra local addresses to the client with ADD_ADDR (RFC 8684 section 3.4.1), so that the
 * client joins them (like Linux's {@code signal} endpoints), withdraws an address with REMOVE_ADDR while its link
 * is down and announces it again when it returns. Opens no subflows itself; on a client it does nothing.
 */
public final class AnnouncePathManager implements PathManager {

    /** The name {@code mptcp cat --path-manager} and the configuration know it by. */
    public static final String NAME = "announce";

    private final List<InetAddress> addresses;

    /**
     * @param addresses the addresses to announce; empty: every local address of the connection's family but the
     *                  one it started on
     */
    public AnnouncePathManager(List<InetAddress> addresses) {
        this.addresses = List.copyOf(Objects.requireNonNull(addresses, "addresses"));
    }

    @Override
    public void onEstablished(PathContext context) {
        if (!context.isServerSide()) {
            return;
        }
        for (InetAddress a : announced(context)) {
            context.announce(a, 0);
        }
    }

    @Override
    public void onLocalAddressDown(PathContext context, InetAddress address) {
        if (context.isServerSide() && isAnnounced(context, address)) {
            context.withdraw(address);
        }
    }

    @Override
    public void onLocalAddressUp(PathContext context, InetAddress address) {
        if (context.isServerSide() && isAnnounced(context, address)) {
            context.announce(address, 0);
        }
    }

    private boolean isAnnounced(PathContext context, InetAddress address) {
        return addresses.isEmpty() ? !address.equals(context.initialLocal().getAddress())
                : addresses.contains(address);
    }

    private List<InetAddress> announced(PathContext context) {
        List<InetAddress> out = new ArrayList<>();
        for (InetAddress a : context.localAddresses()) {
            if (isAnnounced(context, a)) {
                out.add(a);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return NAME + addresses;
    }
}
