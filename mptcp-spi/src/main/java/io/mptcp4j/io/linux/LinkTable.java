package io.mptcp4j.io.linux;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What {@link LinkMonitor} knows of a namespace's interfaces: each link's {@code IFF_*} flags and each local
 * address with the interface that holds it, kept up to date by {@link Rtnetlink} link and address messages.
 * Not thread-safe; the monitor publishes immutable snapshots.
 *
 * <p><b>Usable</b> means: the address's interface exists, is administratively up ({@code IFF_UP}) and has
 * carrier ({@code IFF_LOWER_UP}) — not waiting for {@code IFF_RUNNING} (RFC 2863 operstate UP), which a fresh
 * veth reaches only 0.6 to 0.8 s after it already carries traffic; and the address
 * is not waiting for or failed in duplicate address detection ({@code IFA_F_TENTATIVE} without
 * {@code IFA_F_OPTIMISTIC}, or {@code IFA_F_DADFAILED}; RFC 4862 section 5.4 forbids sending from a tentative
 * address). A veth whose peer is down reports NO-CARRIER, clears {@code IFF_LOWER_UP}, and so is not usable. IPv6 link-local addresses are not tracked.
 */
final class LinkTable {

    private static final int USABLE_LINK = Rtnetlink.IFF_UP | Rtnetlink.IFF_LOWER_UP;

    private final Map<Integer, Rtnetlink.Link> links = new TreeMap<>();
    private final Map<InetAddress, Rtnetlink.Address> addresses = new LinkedHashMap<>();

    /** Applies a link message; returns true if anything changed. A removed link takes its addresses along. */
    boolean apply(Rtnetlink.Link link) {
        if (link.removed()) {
            boolean changed = links.remove(link.index()) != null;
            return addresses.values().removeIf(a -> a.index() == link.index()) || changed;
        }
        Rtnetlink.Link before = links.get(link.index());
        String name = link.name() != null ? link.name() : before != null ? before.name() : null;
        links.put(link.index(), new Rtnetlink.Link(link.index(), link.flags(), name, false));
        return before == null || before.flags() != link.flags() || !Objects.equals(before.name(), name);
    }

    /** Applies an address message; returns true if anything changed. */
    boolean apply(Rtnetlink.Address address) {
        if (Rtnetlink.isLinkLocal(address.address())) {
            return false;
        }
        if (address.removed()) {
            Rtnetlink.Address known = addresses.get(address.address());
            if (known != null && known.index() == address.index()) {
                addresses.remove(address.address());
                return true;
            }
            return false;
        }
        Rtnetlink.Address before = addresses.put(address.address(), address);
        return before == null || before.index() != address.index() || before.flags() != address.flags()
                || before.prefixLength() != address.prefixLength();
    }

    /** Every known address and its interface index. */
    Map<InetAddress, Integer> addressIndexes() {
        Map<InetAddress, Integer> map = new LinkedHashMap<>();
        addresses.values().forEach(a -> map.put(a.address(), a.index()));
        return map;
    }

    /** Addresses on interfaces that are not loopback, for choosing outgoing interfaces. */
    Map<InetAddress, Integer> egressIndexes() {
        Map<InetAddress, Integer> map = new LinkedHashMap<>();
        for (Rtnetlink.Address a : addresses.values()) {
            int flags = linkFlags(a.index());
            if (flags != -1 && (flags & Rtnetlink.IFF_LOOPBACK) == 0) {
                map.put(a.address(), a.index());
            }
        }
        return map;
    }

    /** The usable addresses (see the class comment) and their interface indexes. */
    Map<InetAddress, Integer> usable() {
        Map<InetAddress, Integer> map = new LinkedHashMap<>();
        for (Rtnetlink.Address a : addresses.values()) {
            if (isLinkUsable(a.index()) && isAddressUsable(a.flags())) {
                map.put(a.address(), a.index());
            }
        }
        return map;
    }

    /** Whether interface {@code index} is known, up, with carrier and operationally up. */
    boolean isLinkUsable(int index) {
        int flags = linkFlags(index);
        return flags != -1 && (flags & USABLE_LINK) == USABLE_LINK;
    }

    /** Every known interface with its addresses, by index. */
    List<LinkMonitor.Link> links() {
        List<LinkMonitor.Link> list = new ArrayList<>();
        for (Rtnetlink.Link l : links.values()) {
            List<LinkMonitor.LinkAddress> own = new ArrayList<>();
            boolean linkUsable = isLinkUsable(l.index());
            for (Rtnetlink.Address a : addresses.values()) {
                if (a.index() == l.index()) {
                    own.add(new LinkMonitor.LinkAddress(a.address(), a.prefixLength(),
                            linkUsable && isAddressUsable(a.flags())));
                }
            }
            list.add(new LinkMonitor.Link(l.index(), l.name() != null ? l.name() : "if" + l.index(), l.flags(),
                    linkUsable, own));
        }
        return list;
    }

    static boolean isAddressUsable(int addressFlags) {
        boolean tentative = (addressFlags & Rtnetlink.IFA_F_TENTATIVE) != 0
                && (addressFlags & Rtnetlink.IFA_F_OPTIMISTIC) == 0;
        return !tentative && (addressFlags & Rtnetlink.IFA_F_DADFAILED) == 0;
    }

    /** The flags of interface {@code index}, or -1 if unknown. */
    int linkFlags(int index) {
        Rtnetlink.Link link = links.get(index);
        return link == null ? -1 : link.flags();
    }

    @Override
    public String toString() {
        return "LinkTable[links " + links.values() + ", addresses " + addressIndexes() + "]";
    }
}
