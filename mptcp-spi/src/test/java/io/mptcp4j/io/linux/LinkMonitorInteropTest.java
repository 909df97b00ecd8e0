package io.mptcp4j.io.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptcp4j.lab.Host;
import io.mptcp4j.lab.NamespaceLab;
import io.mptcp4j.testing.RootOnly;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The link monitor in the client namespace of a two-path lab: it finds the addresses at open, reports path 1's
 * addresses unusable when the path goes down (both ends, or only the far end: no carrier) and usable again when
 * it comes back, follows addresses added and removed, and its thread ends on close.
 */
@RootOnly
class LinkMonitorInteropTest {

    /** How soon an event must follow the command that caused it. */
    private static final long PROMPT_MILLIS = 100;
    /**
     * How long the other tests wait for an event before calling it missing. They check what is reported, not how
     * fast: under CPU steal the kernel's link-watch work has taken over a second to report a peer's carrier loss.
     */
    private static final long ARRIVAL_MILLIS = 5_000;
    private static NamespaceLab lab;

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private LinkMonitor monitor;

    record Event(InetAddress address, int index, boolean usable, long nanos) {
    }

    @BeforeAll
    static void createLab() throws Exception {
        lab = NamespaceLab.builder().paths(2).build();
    }

    @AfterAll
    static void closeLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @BeforeEach
    void openMonitor() throws Exception {
        monitor = LinkMonitor.open(lab.namespace(Host.CLIENT), new LinkMonitor.Listener() {
            @Override
            public void addressUsable(InetAddress address, int interfaceIndex) {
                events.add(new Event(address, interfaceIndex, true, System.nanoTime()));
            }

            @Override
            public void addressUnusable(InetAddress address, int interfaceIndex) {
                events.add(new Event(address, interfaceIndex, false, System.nanoTime()));
            }
        });
    }

    @AfterEach
    void closeMonitor() throws Exception {
        monitor.close();
        lab.setLinkUp(1, true);
    }

    private static InetAddress v4(int path) {
        return lab.path(path).clientV4();
    }

    private static InetAddress v6(int path) {
        return lab.path(path).clientV6();
    }

    private static int ifindex(String veth) throws Exception {
        return Integer.parseInt(lab.exec(Host.CLIENT, "cat", "/sys/class/net/" + veth + "/ifindex").stdout().trim());
    }

    /** The next {@code count} events, waiting at most {@code millis} for each after the first. */
    private List<Event> take(int count, long millis) throws InterruptedException {
        List<Event> got = new ArrayList<>();
        while (got.size() < count) {
            Event e = events.poll(millis, TimeUnit.MILLISECONDS);
            if (e == null) {
                break;
            }
            got.add(e);
        }
        return got;
    }

    private static String millis(long nanos) {
        return String.format("%.2f ms", nanos / 1e6);
    }

    @Test
    void theOpeningDumpKnowsEveryAddressAndItsInterface() throws Exception {
        int veth0 = ifindex("veth0");
        int veth1 = ifindex("veth1");
        assertThat(monitor.addressIndexes()).containsEntry(v4(0), veth0).containsEntry(v4(1), veth1)
                .containsEntry(v6(0), veth0).containsEntry(v6(1), veth1)
                .containsEntry(InetAddress.getByName("127.0.0.1"), 1);
        assertThat(monitor.addressIndexes().keySet()).noneMatch(InetAddress::isLinkLocalAddress);
        assertThat(monitor.usableAddresses()).contains(v4(0), v4(1), v6(0), v6(1));
        assertThat(monitor.interfaceAddresses().asMap()).as("no loopback addresses for pinning")
                .doesNotContainKey(InetAddress.getByName("127.0.0.1")).containsEntry(v4(1), veth1);
        assertThat(monitor.dumps()).isEqualTo(1);
        assertThat(monitor.isRunning()).isTrue();
        assertThat(events).isEmpty();
    }

    @Test
    void aPathGoingDownAndUpIsReportedPromptlyForItsAddressesOnly() throws Exception {
        int veth1 = ifindex("veth1");
        long start = System.nanoTime();
        lab.linkDown(1);
        long returned = System.nanoTime();
        List<Event> down = take(2, PROMPT_MILLIS);
        assertThat(down).extracting(Event::address).containsExactlyInAnyOrder(v4(1), v6(1));
        assertThat(down).allMatch(e -> !e.usable() && e.index() == veth1);
        assertThat(down).allMatch(e -> e.nanos() - returned < TimeUnit.MILLISECONDS.toNanos(PROMPT_MILLIS));
        assertThat(monitor.usableAddresses()).contains(v4(0), v6(0)).doesNotContain(v4(1), v6(1));
        assertThat(monitor.addressIndexes()).as("addresses stay known").containsEntry(v4(1), veth1);
        long lastDown = down.stream().mapToLong(Event::nanos).max().orElseThrow();

        long upStart = System.nanoTime();
        lab.linkUp(1);
        long upReturned = System.nanoTime();
        List<Event> up = take(2, PROMPT_MILLIS);
        assertThat(up).extracting(Event::address).containsExactlyInAnyOrder(v4(1), v6(1));
        assertThat(up).allMatch(e -> e.usable() && e.index() == veth1);
        assertThat(up).allMatch(e -> e.nanos() - upReturned < TimeUnit.MILLISECONDS.toNanos(PROMPT_MILLIS));
        long lastUp = up.stream().mapToLong(Event::nanos).max().orElseThrow();
        System.out.printf("down: events %s after `ip link set down` (both ends) began, %s after it returned; "
                        + "up: %s after begin, %s after return%n", millis(lastDown - start),
                millis(lastDown - returned), millis(lastUp - upStart), millis(lastUp - upReturned));
        assertThat(take(1, 200)).as("no more events").isEmpty();
        assertThat(monitor.malformedDatagrams()).isZero();
    }

    @Test
    void aPeerGoingDownLeavesTheLinkWithoutCarrierWhichCountsAsDown() throws Exception {
        try {
            long start = System.nanoTime();
            lab.exec(Host.SERVER, "ip", "link", "set", "veth1", "down").requireSuccess();
            List<Event> down = take(2, ARRIVAL_MILLIS);
            assertThat(down).extracting(Event::address).containsExactlyInAnyOrder(v4(1), v6(1));
            assertThat(down).noneMatch(Event::usable);
            String state = lab.exec(Host.CLIENT, "ip", "link", "show", "veth1").stdout();
            assertThat(state).contains("NO-CARRIER").contains(",UP");
            System.out.printf("peer down: events %s after the command began%n",
                    millis(down.get(down.size() - 1).nanos() - start));
        } finally {
            lab.exec(Host.SERVER, "ip", "link", "set", "veth1", "up").requireSuccess();
        }
        List<Event> up = take(2, ARRIVAL_MILLIS);
        assertThat(up).extracting(Event::address).containsExactlyInAnyOrder(v4(1), v6(1));
        assertThat(up).allMatch(Event::usable);
    }

    @Test
    void addressesAddedAndRemovedAreReported() throws Exception {
        InetAddress added = InetAddress.getByName("10.0.1.99");
        InetAddress added6 = InetAddress.getByName("fd00:0:0:1::99");
        lab.exec(Host.CLIENT, "ip", "addr", "add", "10.0.1.99/24", "dev", "veth1").requireSuccess();
        lab.exec(Host.CLIENT, "ip", "addr", "add", "fd00:0:0:1::99/64", "dev", "veth1", "nodad").requireSuccess();
        List<Event> usable = take(2, ARRIVAL_MILLIS);
        assertThat(usable).extracting(Event::address).containsExactlyInAnyOrder(added, added6);
        assertThat(usable).allMatch(Event::usable);
        assertThat(monitor.addressIndexes()).containsEntry(added, ifindex("veth1"));

        lab.exec(Host.CLIENT, "ip", "addr", "del", "10.0.1.99/24", "dev", "veth1").requireSuccess();
        lab.exec(Host.CLIENT, "ip", "addr", "del", "fd00:0:0:1::99/64", "dev", "veth1").requireSuccess();
        List<Event> gone = take(2, ARRIVAL_MILLIS);
        assertThat(gone).extracting(Event::address).containsExactlyInAnyOrder(added, added6);
        assertThat(gone).noneMatch(Event::usable);
        assertThat(monitor.addressIndexes()).doesNotContainKeys(added, added6);

        // An address added to a link that is down is known, but not usable until the link comes up.
        lab.linkDown(1);
        take(2, ARRIVAL_MILLIS);
        lab.exec(Host.CLIENT, "ip", "addr", "add", "10.0.1.99/24", "dev", "veth1").requireSuccess();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ARRIVAL_MILLIS);
        while (!monitor.addressIndexes().containsKey(added) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(monitor.addressIndexes()).containsKey(added);
        assertThat(monitor.isUsable(added)).isFalse();
        assertThat(take(1, 100)).isEmpty();
        lab.linkUp(1);
        assertThat(take(3, ARRIVAL_MILLIS)).extracting(Event::address)
                .containsExactlyInAnyOrder(added, v4(1), v6(1));
        lab.exec(Host.CLIENT, "ip", "addr", "del", "10.0.1.99/24", "dev", "veth1").requireSuccess();
        assertThat(take(1, ARRIVAL_MILLIS)).extracting(Event::address).containsExactly(added);
    }

    @Test
    void aFreshDumpWhileRunningChangesNothingAndReportsNothing() throws Exception {
        var before = monitor.addressIndexes();
        monitor.requestDump();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (monitor.dumps() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(monitor.dumps()).isEqualTo(2);
        Thread.sleep(100); // the dump's answers
        assertThat(monitor.addressIndexes()).isEqualTo(before);
        assertThat(events).isEmpty();
        lab.linkDown(1);
        assertThat(take(2, ARRIVAL_MILLIS)).hasSize(2).noneMatch(Event::usable);
    }

    @Test
    void closeEndsTheThreadAtOnceAndNothingIsReportedAfterwards() throws Exception {
        assertThat(monitor.isRunning()).isTrue();
        long start = System.nanoTime();
        monitor.close();
        long took = System.nanoTime() - start;
        assertThat(monitor.isRunning()).isFalse();
        assertThat(took).isLessThan(Duration.ofMillis(500).toNanos());
        monitor.close(); // idempotent
        lab.linkDown(1);
        assertThat(take(1, 200)).isEmpty();
        System.out.printf("close took %s%n", millis(took));
    }
}
