package io.mptcp4j.sim;

import static io.mptcp4j.sim.SimNetwork.ORIGIN_NANOS;
import static io.mptcp4j.sim.TwoHostNetwork.clientIpv4;
import static io.mptcp4j.sim.TwoHostNetwork.serverIpv4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PacketTraceTest {

    private static final long MS = 1_000_000L;

    @TempDir
    Path temp;

    private final ProbeStack client = new ProbeStack();

    private TwoHostNetwork oneWayNetwork() {
        TwoHostNetwork net = SimNetwork.twoHosts(1, LinkConfig.builder().rateBitsPerSecond(12_000_000)
                .delay(Duration.ofMillis(10)).build());
        net.client().install(client);
        net.server().install(new ProbeStack());
        return net;
    }

    @Test
    void aPcapHasNanosecondRawIpRecordsWithVirtualTimestamps() throws IOException {
        TwoHostNetwork net = oneWayNetwork();
        PacketTrace trace = new PacketTrace(64, 100);
        net.network().addObserver(trace);
        byte[] sent = ProbeStack.packet(clientIpv4(0), serverIpv4(0), 9, 1500);
        client.send(clientIpv4(0), serverIpv4(0), 9, 1500);
        net.network().runFor(Duration.ofSeconds(1));
        Path file = temp.resolve("nested/trace.pcap");

        trace.writePcap(file, record -> record.kind() == TraceKind.DELIVERED);

        ByteBuffer pcap = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(pcap.getInt(0)).isEqualTo(0xa1b23c4d);
        assertThat(pcap.getShort(4)).isEqualTo((short) 2);
        assertThat(pcap.getShort(6)).isEqualTo((short) 4);
        assertThat(pcap.getInt(16)).as("snap length").isEqualTo(64);
        assertThat(pcap.getInt(20)).as("LINKTYPE_RAW").isEqualTo(101);
        long delivered = ORIGIN_NANOS + 11 * MS;
        assertThat(pcap.getInt(24)).isEqualTo((int) (delivered / 1_000_000_000L));
        assertThat(pcap.getInt(28)).isEqualTo((int) (delivered % 1_000_000_000L));
        assertThat(pcap.getInt(32)).as("captured").isEqualTo(64);
        assertThat(pcap.getInt(36)).as("original").isEqualTo(1500);
        assertThat(Arrays.copyOfRange(pcap.array(), 40, 104)).isEqualTo(Arrays.copyOf(sent, 64));
        assertThat(pcap.capacity()).as("exactly one record").isEqualTo(104);
    }

    @Test
    void aBoundedTraceKeepsTheLatestRecords() {
        TwoHostNetwork net = oneWayNetwork();
        PacketTrace trace = new PacketTrace(1500, 3);
        net.network().addObserver(trace);
        for (int i = 0; i < 4; i++) {
            client.send(clientIpv4(0), serverIpv4(0), i, 100);
        }
        net.network().runFor(Duration.ofSeconds(1));

        assertThat(trace.evicted()).isEqualTo(5);
        assertThat(trace.records()).extracting(TraceRecord::kind, r -> ProbeStack.tagOf(r.bytes()))
                .containsExactly(
                        tuple(TraceKind.DELIVERED, 1L),
                        tuple(TraceKind.DELIVERED, 2L),
                        tuple(TraceKind.DELIVERED, 3L));
        assertThat(trace.records().get(0).toString()).isEqualTo("+0.010133334s DELIVERED client:p0>server:p0 100B");
    }

    @Test
    void aFailedTestLeavesItsTraceInTheBuildDirectory() throws Exception {
        TwoHostNetwork net = oneWayNetwork();
        PcapOnFailure traces = new PcapOnFailure();
        traces.watch(net.network());
        client.send(clientIpv4(0), serverIpv4(0), 1, 100);
        net.network().runFor(Duration.ofSeconds(1));
        Method method = PacketTraceTest.class.getDeclaredMethod("aFailedTestLeavesItsTraceInTheBuildDirectory");

        traces.testFailed(contextOf(method, "aFailedTestLeavesItsTraceInTheBuildDirectory()"),
                new AssertionError("simulated failure"));

        Path classes = Path.of(PacketTraceTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path directory = classes.getParent().resolve("sim-traces");
        String base = "PacketTraceTest.aFailedTestLeavesItsTraceInTheBuildDirectory-seed1";
        Path pcap = directory.resolve(base + ".pcap");
        Path text = directory.resolve(base + ".txt");
        try {
            assertThat(Files.size(pcap)).isEqualTo(24 + 16 + 100);
            assertThat(Files.readAllLines(text)).hasSize(2);
        } finally {
            Files.deleteIfExists(pcap);
            Files.deleteIfExists(text);
        }
    }

    @ParameterizedTest(name = "loss {0}")
    @ValueSource(doubles = 0.01)
    void eachInvocationOfAParameterizedTestLeavesItsOwnTrace(double loss) throws Exception {
        TwoHostNetwork net = oneWayNetwork();
        PcapOnFailure traces = new PcapOnFailure();
        traces.watch(net.network());
        Method method = PacketTraceTest.class.getDeclaredMethod("eachInvocationOfAParameterizedTestLeavesItsOwnTrace",
                double.class);

        traces.testFailed(contextOf(method, "loss " + loss), new AssertionError("simulated failure"));

        Path classes = Path.of(PacketTraceTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String base = "PacketTraceTest.eachInvocationOfAParameterizedTestLeavesItsOwnTrace-loss_0.01-seed1";
        Path pcap = classes.getParent().resolve("sim-traces").resolve(base + ".pcap");
        Path text = classes.getParent().resolve("sim-traces").resolve(base + ".txt");
        try {
            assertThat(pcap).exists();
        } finally {
            Files.deleteIfExists(pcap);
            Files.deleteIfExists(text);
        }
    }

    /** Just enough of an extension context for {@link PcapOnFailure}. */
    private static ExtensionContext contextOf(Method method, String displayName) {
        return (ExtensionContext) Proxy.newProxyInstance(ExtensionContext.class.getClassLoader(),
                new Class<?>[] {ExtensionContext.class}, (proxy, called, args) -> switch (called.getName()) {
                    case "getRequiredTestClass" -> method.getDeclaringClass();
                    case "getRequiredTestMethod" -> method;
                    case "getDisplayName" -> displayName;
                    default -> throw new UnsupportedOperationException(called.getName());
                });
    }
}
