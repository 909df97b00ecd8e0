package io.mptcp4j.io.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The usability rule and the bookkeeping of {@link LinkTable}, without a kernel. */
class LinkTableTest {

    private static final int UP = Rtnetlink.IFF_UP;
    private static final int CARRIER = Rtnetlink.IFF_LOWER_UP;
    private static final int RUNNING = Rtnetlink.IFF_RUNNING;

    private static Rtnetlink.Link link(int index, int flags) {
        return new Rtnetlink.Link(index, flags, "if" + index, false);
    }

    private static Rtnetlink.Address address(String ip, int index, int flags, boolean removed) throws Exception {
        return new Rtnetlink.Address(index, InetAddress.getByName(ip), 24, flags, removed);
    }

    @Test
    void anAddressIsUsableOnlyOnALinkThatIsUpWithCarrier() throws Exception {
        LinkTable t = new LinkTable();
        InetAddress a = InetAddress.getByName("10.0.1.1");
        assertThat(t.apply(address("10.0.1.1", 3, 0, false))).isTrue();
        assertThat(t.usable()).as("link unknown").isEmpty();
        t.apply(link(3, UP | CARRIER | RUNNING));
        assertThat(t.usable()).containsEntry(a, 3);
        t.apply(link(3, UP)); // a veth whose peer is down: NO-CARRIER
        assertThat(t.usable()).isEmpty();
        t.apply(link(3, UP | CARRIER)); // carrier back, operstate not yet: usable, it carries traffic already
        assertThat(t.usable()).containsEntry(a, 3);
        t.apply(link(3, CARRIER | RUNNING)); // administratively down
        assertThat(t.usable()).isEmpty();
        assertThat(t.apply(link(3, UP | CARRIER))).isTrue();
        t.apply(link(3, UP | CARRIER | RUNNING));
        assertThat(t.apply(link(3, UP | CARRIER | RUNNING))).as("no change").isFalse();
        assertThat(t.usable()).containsEntry(a, 3);
        assertThat(t.addressIndexes()).containsEntry(a, 3);
    }

    @Test
    void tentativeAndFailedAddressesAreNotUsableOptimisticOnesAre() {
        assertThat(LinkTable.isAddressUsable(0x80)).isTrue();
        assertThat(LinkTable.isAddressUsable(Rtnetlink.IFA_F_TENTATIVE)).isFalse();
        assertThat(LinkTable.isAddressUsable(Rtnetlink.IFA_F_TENTATIVE | Rtnetlink.IFA_F_OPTIMISTIC)).isTrue();
        assertThat(LinkTable.isAddressUsable(Rtnetlink.IFA_F_DADFAILED)).isFalse();
    }

    @Test
    void removalsLinkLocalAndLoopbackAreHandled() throws Exception {
        LinkTable t = new LinkTable();
        t.apply(link(1, UP | CARRIER | RUNNING | Rtnetlink.IFF_LOOPBACK));
        t.apply(link(3, UP | CARRIER | RUNNING));
        t.apply(address("127.0.0.1", 1, 0, false));
        t.apply(address("10.0.1.1", 3, 0, false));
        assertThat(t.apply(address("fe80::1", 3, 0, false))).as("link-local ignored").isFalse();
        assertThat(t.egressIndexes()).containsOnlyKeys(InetAddress.getByName("10.0.1.1"));
        assertThat(t.usable()).containsOnlyKeys(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("10.0.1.1"));

        assertThat(t.apply(address("10.0.1.1", 4, 0, true))).as("removal on another interface").isFalse();
        assertThat(t.apply(address("10.0.1.1", 3, 0, true))).isTrue();
        assertThat(t.addressIndexes()).containsOnlyKeys(InetAddress.getByName("127.0.0.1"));

        t.apply(address("10.0.1.1", 3, 0, false));
        assertThat(t.apply(new Rtnetlink.Link(3, 0, null, true))).isTrue();
        assertThat(t.addressIndexes()).as("a removed link takes its addresses").doesNotContainKey(
                InetAddress.getByName("10.0.1.1"));
        assertThat(t.linkFlags(3)).isEqualTo(-1);
    }
}
