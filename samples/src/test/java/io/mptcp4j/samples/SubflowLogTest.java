package io.mptcp4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptcp4j.core.mptcp.MptcpState;
import io.mptcp4j.core.mptcp.SendLimit;
import io.mptcp4j.core.pm.PathContext;
import io.mptcp4j.core.pm.PathManager;
import io.mptcp4j.core.pm.RemoteAddress;
import io.mptcp4j.core.sched.SubflowView;
import io.mptcp4j.core.tcp.TcpEndpoint;
import io.mptcp4j.core.tcp.TcpState;
import io.mptcp4j.driver.MptcpSocketInfo;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code mptcp cat --stats}'s subflow record: what the wrapped path manager is told becomes one row per subflow,
 * with the reason each went down, and every call still reaches the real path manager.
 */
class SubflowLogTest {

    private static final long MS = 1_000_000L;

    private final List<String> delegated = new ArrayList<>();
    private final List<SubflowView> live = new ArrayList<>();
    private long now = 5_000 * MS;

    @Test
    void recordsEverySubflowWithWhyItWentDown() throws Exception {
        SubflowLog log = new SubflowLog();
        PathManager pm = log.recording(() -> recordingDelegate()).get();
        PathContext context = context();

        SubflowView initial = view(true, "10.0.0.1", 40000, "10.0.0.2", 80, 0, 0, false, 0, 0);
        live.add(initial);
        pm.onEstablished(context);
        now += 10 * MS;
        SubflowView second = view(false, "10.0.1.1", 40001, "10.0.0.2", 80, 1, 0, false, 0, 0);
        live.add(second);
        pm.onSubflowEstablished(context, second);
        now += 10 * MS;
        SubflowView refused = view(false, "10.0.2.1", 40002, "10.0.0.2", 80, 2, 0, true, 0, 0);
        pm.onSubflowClosed(context, refused, false);
        now += 100 * MS;
        answers.get(second).put("bytesSent", 1000L); // what it carried before it closed
        answers.get(second).put("bytesReceived", 2000L);
        live.remove(second);
        pm.onSubflowClosed(context, second, true);
        pm.onLocalAddressDown(context, InetAddress.getByName("10.0.1.1"));
        pm.onAddressAnnounced(context, new RemoteAddress(1, new InetSocketAddress("10.0.1.2", 0)));
        pm.onTimer(context);

        MptcpSocketInfo snapshot = new MptcpSocketInfo(MptcpState.ESTABLISHED, false, false, 1,
                List.of(new MptcpSocketInfo.Subflow(socket("10.0.0.1", 40000), socket("10.0.0.2", 80),
                        TcpState.ESTABLISHED, true, 7000, 8000, 0, 0, false, 0, 0)), 7000, 7000, Map.of(), null);
        List<SubflowLog.Row> rows = log.rows(socket("10.0.0.1", 40000), socket("10.0.0.2", 80), snapshot);

        assertThat(rows).hasSize(3);
        assertThat(rows.get(0)).isEqualTo(new SubflowLog.Row(socket("10.0.0.1", 40000), socket("10.0.0.2", 80), 0, 0,
                true, false, "ESTABLISHED", 0L, null, null, 7000, 8000));
        assertThat(rows.get(1)).isEqualTo(new SubflowLog.Row(socket("10.0.1.1", 40001), socket("10.0.0.2", 80), 1, 0,
                false, false, "CLOSED", 10L, 120L, SubflowLog.LINK_DOWN, 1000, 2000));
        assertThat(rows.get(2)).isEqualTo(new SubflowLog.Row(socket("10.0.2.1", 40002), socket("10.0.0.2", 80), 2, 0,
                false, true, "CLOSED", null, 20L, SubflowLog.HANDSHAKE_FAILED, 0, 0));
        assertThat(log.announced(socket("10.0.0.1", 40000), socket("10.0.0.2", 80)))
                .containsExactly(new RemoteAddress(1, new InetSocketAddress("10.0.1.2", 0)));
        assertThat(delegated).containsExactly("onEstablished", "onSubflowEstablished", "onSubflowClosed",
                "onSubflowClosed", "onLocalAddressDown", "onAddressAnnounced", "onTimer");
    }

    @Test
    void aRemovedAddressAndAnOrdinaryCloseAreToldApart() throws Exception {
        SubflowLog log = new SubflowLog();
        PathManager pm = log.recording(() -> recordingDelegate()).get();
        PathContext context = context();
        SubflowView initial = view(true, "10.0.0.2", 80, "10.0.0.1", 40000, 0, 0, false, 0, 0);
        live.add(initial);
        pm.onEstablished(context);
        SubflowView a = view(false, "10.0.0.2", 80, "10.0.1.1", 40001, 0, 1, false, 0, 0);
        SubflowView b = view(false, "10.0.0.2", 80, "10.0.2.1", 40002, 0, 2, false, 0, 0);
        pm.onSubflowEstablished(context, a);
        pm.onSubflowEstablished(context, b);
        now += MS;
        pm.onSubflowClosed(context, a, true);
        pm.onAddressRemoved(context, new RemoteAddress(1, new InetSocketAddress("10.0.1.1", 0)));
        now += MS;
        pm.onSubflowClosed(context, b, true);

        MptcpSocketInfo snapshot = new MptcpSocketInfo(MptcpState.ESTABLISHED, false, false, 1, List.of(), 0, 0,
                Map.of(), null);
        List<SubflowLog.Row> rows = log.rows(socket("10.0.0.2", 80), socket("10.0.0.1", 40000), snapshot);
        assertThat(rows).extracting(SubflowLog.Row::downReason)
                .containsExactly(null, SubflowLog.ADDRESS_REMOVED, SubflowLog.CLOSED);
        assertThat(rows.get(0).state()).as("the initial subflow, absent from the snapshot, is not known closed")
                .isNull();
    }

    @Test
    void aConnectionTheLogNeverSawIsReportedFromTheSnapshot() {
        SubflowLog log = new SubflowLog();
        log.recording(() -> recordingDelegate()).get(); // fell back: the path manager never started
        MptcpSocketInfo snapshot = new MptcpSocketInfo(MptcpState.CLOSE_WAIT, true, false, 1,
                List.of(new MptcpSocketInfo.Subflow(socket("10.0.0.1", 40000), socket("10.0.0.2", 80),
                        TcpState.CLOSE_WAIT, true, 5, 6, 0, 0, false, 0, 0)), 5, 5, Map.of(), null);
        assertThat(log.rows(socket("10.0.0.1", 40000), socket("10.0.0.2", 80), snapshot)).containsExactly(
                new SubflowLog.Row(socket("10.0.0.1", 40000), socket("10.0.0.2", 80), 0, 0, true, false,
                        "CLOSE_WAIT", null, null, null, 5, 6));
    }

    @Test
    void theStatsLineListsSubflowsPeerAddressesAndCounters() {
        MptcpSocketInfo info = new MptcpSocketInfo(MptcpState.CLOSED, false, true, 2, List.of(), 10, 10,
                Map.of(SendLimit.APPLICATION, 3_000_000L, SendLimit.WINDOW, 2_000_000L, SendLimit.SUBFLOWS, 1_000_000L),
                null);
        List<SubflowLog.Row> rows = List.of(
                new SubflowLog.Row(socket("10.0.0.1", 40000), socket("10.0.0.2", 80), 0, 0, true, false,
                        "ESTABLISHED", 0L, null, null, 7, 8),
                new SubflowLog.Row(socket("fd00::1", 40001), socket("fd00::2", 80), 1, 0, false, true, "CLOSED",
                        10L, 120L, SubflowLog.LINK_DOWN, 3, 2));
        String json = Cat.json(info, 10, "fullmesh", rows,
                List.of(new RemoteAddress(1, new InetSocketAddress("10.0.1.2", 0))), emptyStatistics());
        assertThat(json).startsWith("{\"mptcp\":true,\"fallback\":false,\"checksum\":true,\"path_manager\":"
                + "\"fullmesh\",\"subflows_established\":2,\"bytes_sent\":10,\"bytes_received\":10,"
                + "\"send_limited_ms\":{\"application\":3,\"window\":2,\"subflows\":1},\"subflows\":[")
                .contains("{\"local\":\"10.0.0.1:40000\",\"remote\":\"10.0.0.2:80\",\"local_id\":0,\"remote_id\":0,"
                        + "\"initial\":true,\"backup\":false,\"state\":\"ESTABLISHED\",\"up_ms\":0,\"down_ms\":null,"
                        + "\"down_reason\":null,\"bytes_sent\":7,\"bytes_received\":8}")
                .contains("{\"local\":\"[fd00:0:0:0:0:0:0:1]:40001\",\"remote\":\"[fd00:0:0:0:0:0:0:2]:80\","
                        + "\"local_id\":1,\"remote_id\":0,\"initial\":false,\"backup\":true,\"state\":\"CLOSED\","
                        + "\"up_ms\":10,\"down_ms\":120,\"down_reason\":\"link down\",\"bytes_sent\":3,"
                        + "\"bytes_received\":2}")
                .contains("\"peer_addresses\":[{\"id\":1,\"address\":\"10.0.1.2:0\"}]")
                .contains("\"counters\":{\"MPJoinSynTx\":0,\"JoinSynRx\":0,\"JoinSynAckRx\":0,\"JoinAckRx\":0,")
                .contains("\"AddAddr\":0,\"AddAddrTx\":0,\"EchoAdd\":0,\"EchoAddTx\":0,")
                .endsWith("}}");
    }

    private static io.mptcp4j.core.mptcp.MptcpStatistics emptyStatistics() {
        return io.mptcp4j.core.mptcp.MptcpStack.builder().secret(new byte[16]).build().statistics();
    }

    private PathManager recordingDelegate() {
        return (PathManager) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {PathManager.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("toString")) {
                        return "delegate";
                    }
                    delegated.add(method.getName());
                    return null;
                });
    }

    private PathContext context() {
        return (PathContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {PathContext.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "now" -> now;
                    case "subflows" -> List.copyOf(live);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private final Map<SubflowView, Map<String, Object>> answers = new HashMap<>();

    private SubflowView view(boolean initial, String local, int localPort, String remote, int remotePort,
                             int localId, int remoteId, boolean backup, long sent, long received) throws Exception {
        Map<String, Object> a = new HashMap<>();
        a.put("local", new TcpEndpoint(InetAddress.getByName(local), localPort));
        a.put("remote", new TcpEndpoint(InetAddress.getByName(remote), remotePort));
        a.put("isInitial", initial);
        a.put("localId", localId);
        a.put("remoteId", remoteId);
        a.put("isBackup", backup);
        a.put("bytesSent", sent);
        a.put("bytesReceived", received);
        SubflowView[] self = new SubflowView[1];
        self[0] = (SubflowView) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {SubflowView.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "view " + a.get("local");
                    default -> {
                        Object v = answers.get(self[0]).get(method.getName());
                        if (v == null) {
                            throw new UnsupportedOperationException(method.getName());
                        }
                        yield v;
                    }
                });
        answers.put(self[0], a);
        return self[0];
    }

    private static InetSocketAddress socket(String address, int port) {
        return new InetSocketAddress(address, port);
    }
}
