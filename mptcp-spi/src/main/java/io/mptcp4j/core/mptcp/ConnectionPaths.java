package io.mptcp4j.core.mptcp;

import io.mptcp4j.core.event.SubflowCloseReason;
import io.mptcp4j.core.event.SubflowEvent;
import io.mptcp4j.core.pm.PathContext;
import io.mptcp4j.core.pm.PathManager;
import io.mptcp4j.core.pm.RemoteAddress;
import io.mptcp4j.core.sched.SubflowView;
import io.mptcp4j.core.time.Deadlines;
import io.mptcp4j.core.wire.AddAddr;
import io.mptcp4j.core.wire.MpTcpRst;
import io.mptcp4j.core.wire.MptcpCrypto;
import io.mptcp4j.core.wire.MptcpOption;
import io.mptcp4j.core.wire.RemoveAddr;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import static io.mptcp4j.core.mptcp.MptcpStatistics.Counter;
import static io.mptcp4j.core.time.Deadlines.NEVER;

/**
 * The path-management state of one {@link MptcpConnection} (RFC 8684 section 3.4): the local address ids, the
 * peer's addresses, this side's announcements and their retransmission, and the connection's
 * {@link PathManager}, to which it is the {@link PathContext}. Mechanism lives here, policy in the path manager.
 */
final class ConnectionPaths implements PathContext {

    /** ADD_ADDR goes again until echoed, this many times at most (as Linux's ADD_ADDR_RETRANS_MAX). */
    private static final int MAX_ANNOUNCE_RETRIES = 3;
    /** The first wait for an echo; it doubles. */
    private static final long ANNOUNCE_TIMEOUT_NANOS = 1_000_000_000L;

    private final MptcpConnection connection;
    private final MptcpStack stack;
    private final PathManager manager;
    /** Local address ids (section 3.2): the initial subflow's address is 0, the others numbered on first use. */
    private final Map<InetAddress, Integer> localIds = new HashMap<>();
    private int nextLocalId = 1;
    private final List<RemoteAddress> remotes = new ArrayList<>();
    private final List<RemoteAddress> remotesView = Collections.unmodifiableList(remotes);
    private final Map<Integer, Announcement> announcements = new LinkedHashMap<>();
    private boolean started;
    /** The ends of the initial subflow, which may close before the connection does. */
    private InetSocketAddress initialLocal;
    private InetSocketAddress initialRemote;
    private long managerDeadline = NEVER;

    /** An ADD_ADDR of ours waiting for its echo. */
    private static final class Announcement {
        final AddAddr option;
        int retries;
        long deadline;

        Announcement(AddAddr option, long deadline) {
            this.option = option;
            this.deadline = deadline;
        }
    }

    ConnectionPaths(MptcpConnection connection, MptcpStack stack, PathManager manager) {
        this.connection = connection;
        this.stack = stack;
        this.manager = manager;
    }

    // =====================================================================================================
    // For the connection
    // =====================================================================================================

    /** The connection is fully established: the peer's initial address is id 0; the path manager starts. */
    void onEstablished() {
        if (started) {
            return;
        }
        started = true;
        SubflowView initial = connection.subflows().get(0);
        initialLocal = socket(initial.local().address(), initial.local().port());
        initialRemote = socket(initial.remote().address(), initial.remote().port());
        localIds.put(initialLocal.getAddress(), 0);
        List<RemoteAddress> early = List.copyOf(remotes);
        remotes.add(0, new RemoteAddress(0, initialRemote));
        manager.onEstablished(this);
        // Announcements that came before the connection was confirmed (the kernel may send ADD_ADDR first).
        for (RemoteAddress a : early) {
            if (remotes.contains(a)) {
                manager.onAddressAnnounced(this, a);
            }
        }
    }

    /** The id of a local address in this connection, numbered on first use. */
    int localId(InetAddress address) {
        Integer id = localIds.get(address);
        if (id == null) {
            id = nextLocalId <= 255 ? nextLocalId++ : 255;
            localIds.put(address, id);
        }
        return id;
    }

    /** Whether a peer may join on this local port: the initial subflow's, or an announced one. */
    boolean isJoinablePort(int port) {
        if (initialLocal != null && port == initialLocal.getPort()) {
            return true;
        }
        for (Announcement a : announcements.values()) {
            if (a.option.port().isPresent() && a.option.port().getAsInt() == port) {
                return true;
            }
        }
        return false;
    }

    void onSubflowEstablished(Subflow s) {
        if (started) {
            manager.onSubflowEstablished(this, s);
        }
    }

    void onSubflowClosed(Subflow s) {
        if (started) {
            manager.onSubflowClosed(this, s, s.wasEstablished());
        }
    }

    void onLocalAddressDown(InetAddress address) {
        if (started) {
            manager.onLocalAddressDown(this, address);
        }
    }

    void onLocalAddressUp(InetAddress address) {
        if (started) {
            manager.onLocalAddressUp(this, address);
        }
    }

    long nextTimeout() {
        long next = managerDeadline;
        for (Announcement a : announcements.values()) {
            next = Deadlines.earliest(next, a.deadline);
        }
        return next;
    }

    void handleTimeout(long now) {
        for (Iterator<Announcement> it = announcements.values().iterator(); it.hasNext(); ) {
            Announcement a = it.next();
            if (!Deadlines.isDue(a.deadline, now)) {
                continue;
            }
            if (a.retries >= MAX_ANNOUNCE_RETRIES) {
                a.deadline = NEVER; // kept: joins to its port stay allowed
                continue;
            }
            a.retries++;
            a.deadline = Deadlines.after(now, ANNOUNCE_TIMEOUT_NANOS << a.retries);
            sendSignal(a.option, a.option.address());
        }
        if (Deadlines.isDue(managerDeadline, now)) {
            managerDeadline = NEVER;
            manager.onTimer(this);
        }
    }

    /** ADD_ADDR arrived (section 3.4.1): an echo of ours, or an announcement to check, echo and keep. */
    void onAddAddr(Subflow s, AddAddr option) {
        if (option.echo()) {
            connection.count(Counter.ECHO_ADD_RX);
            Announcement a = announcements.get(option.addressId());
            if (a != null && a.option.address().equals(option.address())) {
                a.deadline = NEVER;
            }
            return;
        }
        if (!connection.hasRemoteKey() || option.truncatedHmac()
                != MptcpCrypto.addAddrHmac(connection.remoteKey(), connection.localKey(), option)) {
            connection.count(Counter.ADD_ADDR_DROP);
            return;
        }
        connection.count(Counter.ADD_ADDR_RX);
        s.signal(AddAddr.echo(option.addressId(), option.address(), option.port()));
        // Without a port, subflows join the port of the initial subflow (section 3.4.1).
        int port = option.port().orElse(initialRemote != null ? initialRemote.getPort() : s.remote().port());
        RemoteAddress address = new RemoteAddress(option.addressId(), socket(option.address(), port));
        for (int i = 0; i < remotes.size(); i++) {
            if (remotes.get(i).id() == address.id()) {
                if (remotes.get(i).equals(address)) {
                    return; // a retransmission: echoed again, nothing new
                }
                remotes.remove(i);
                break;
            }
        }
        long accepted = remotes.stream().filter(r -> r.id() != 0).count();
        if (accepted >= connection.config().maxAcceptedAddresses()) {
            connection.count(Counter.ADD_ADDR_DROP);
            return;
        }
        remotes.add(address);
        connection.emit(new SubflowEvent.AddressAnnounced(connection.token(), stack.now(), address.id(),
                address.address()));
        if (started) {
            manager.onAddressAnnounced(this, address);
        }
    }

    /** REMOVE_ADDR arrived (section 3.4.2): the subflows to those addresses close, their data moves on. */
    void onRemoveAddr(RemoveAddr option) {
        connection.count(Counter.RM_ADDR_RX);
        for (int id : option.addressIds()) {
            RemoteAddress removed = null;
            for (Iterator<RemoteAddress> it = remotes.iterator(); it.hasNext(); ) {
                RemoteAddress r = it.next();
                if (r.id() == id) {
                    removed = r;
                    it.remove();
                }
            }
            List<Subflow> affected = new ArrayList<>();
            for (Subflow s : connection.subflowList()) {
                if (s.remoteId() == id && s.tcp() != null && !s.tcp().isClosed()) {
                    affected.add(s);
                }
            }
            boolean othersRemain = connection.subflowList().size() > affected.size();
            for (Subflow s : affected) {
                if (!othersRemain) {
                    s.setStale(true); // never close the last subflow on the peer's word alone
                    continue;
                }
                connection.count(Counter.RM_SUBFLOW);
                s.closeCause = SubflowCloseReason.ADDRESS_REMOVED;
                s.reset(List.of(new MpTcpRst(false, MpTcpRst.REASON_UNSPECIFIED)));
            }
            if (connection.isClosed()) {
                return;
            }
            if (removed != null || !affected.isEmpty()) {
                connection.emit(new SubflowEvent.AddressRemoved(connection.token(), stack.now(), id));
                if (started) {
                    manager.onAddressRemoved(this, removed != null ? removed : new RemoteAddress(id,
                            socket(affected.get(0).remote().address(), affected.get(0).remote().port())));
                }
            }
        }
    }

    // =====================================================================================================
    // PathContext
    // =====================================================================================================

    @Override
    public long now() {
        return stack.now();
    }

    @Override
    public boolean isServerSide() {
        return connection.isServerSide();
    }

    @Override
    public InetSocketAddress initialLocal() {
        return initialLocal;
    }

    @Override
    public InetSocketAddress initialRemote() {
        return initialRemote;
    }

    @Override
    public List<InetAddress> localAddresses() {
        List<InetAddress> out = new ArrayList<>();
        InetAddress first = null;
        for (Map.Entry<InetAddress, Integer> e : localIds.entrySet()) {
            if (e.getValue() == 0) {
                first = e.getKey();
            }
        }
        boolean ipv4 = first == null || first instanceof Inet4Address;
        if (first != null && stack.isUsable(first)) {
            out.add(first);
        }
        for (InetAddress a : stack.tcp().addresses()) {
            if ((a instanceof Inet4Address) == ipv4 && !a.equals(first) && stack.isUsable(a)) {
                out.add(a);
            }
        }
        return out;
    }

    @Override
    public List<RemoteAddress> remoteAddresses() {
        return remotesView;
    }

    @Override
    public List<SubflowView> subflows() {
        return connection.subflows();
    }

    @Override
    public int maxSubflows() {
        return connection.config().maxSubflows();
    }

    @Override
    public boolean isBackupAddress(InetAddress local) {
        return connection.config().backupAddresses().contains(local);
    }

    @Override
    public SubflowView openSubflow(InetAddress local, RemoteAddress remote, boolean backup) {
        return connection.openJoin(local, remote, backup);
    }

    @Override
    public boolean announce(InetAddress local, int port) {
        if (!connection.acceptsJoins() || !stack.isUsable(local)) {
            return false;
        }
        int id = localId(local);
        OptionalInt p = port == 0 ? OptionalInt.empty() : OptionalInt.of(port);
        long hmac = MptcpCrypto.addAddrHmac(connection.localKey(), connection.remoteKey(), id, local, port);
        AddAddr option = AddAddr.announce(id, local, p, hmac);
        announcements.put(id, new Announcement(option, Deadlines.after(stack.now(), ANNOUNCE_TIMEOUT_NANOS)));
        stack.timerChanged(connection);
        return sendSignal(option, local);
    }

    @Override
    public void withdraw(InetAddress local) {
        Integer id = localIds.get(local);
        if (id == null || connection.isClosed() || connection.isFallback()) {
            return;
        }
        announcements.remove(id);
        sendSignal(RemoveAddr.of(id), local);
    }

    @Override
    public void setBackup(SubflowView subflow, boolean backup) {
        if (subflow instanceof Subflow s && connection.subflowList().contains(s)) {
            connection.setBackup(s, backup);
        }
    }

    @Override
    public void wakeAt(long deadline) {
        managerDeadline = deadline;
        stack.timerChanged(connection);
    }

    /** Sends a signal on the best subflow not over {@code avoid} (whose link may be down). */
    private boolean sendSignal(MptcpOption option, InetAddress avoid) {
        Subflow carrier = connection.signallingSubflow(avoid);
        if (carrier == null) {
            carrier = connection.signallingSubflow(null);
        }
        if (carrier == null) {
            return false;
        }
        carrier.signal(option);
        return true;
    }

    private static InetSocketAddress socket(InetAddress address, int port) {
        return new InetSocketAddress(address, port);
    }

    @Override
    public String toString() {
        return "ConnectionPaths[" + manager + ", local ids " + localIds + ", remotes " + remotes + "]";
    }
}
