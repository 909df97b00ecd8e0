package io.mptcp4j.sim;

import static io.mptcp4j.sim.TwoHostNetwork.clientIpv4;
import static io.mptcp4j.sim.TwoHostNetwork.serverIpv4;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A {@link PacketMutator} on a link: a middlebox that rewrites or drops packets on the wire. */
class SimLinkMutatorTest {

    @Test
    void rewritesAndDropsWhatItIsGiven() {
        ProbeStack client = new ProbeStack();
        ProbeStack server = new ProbeStack();
        TwoHostNetwork net = SimNetwork.twoHosts(1, LinkConfig.defaults());
        net.client().install(client);
        net.server().install(server);
        // Drops odd tags; turns tag 4 into tag 40 in place.
        net.path(0).aToB().mutator(packet -> {
            long tag = packet.getLong(packet.position() + IpHeaders.IPV4_HEADER);
            if (tag % 2 == 1) {
                return null;
            }
            if (tag == 4) {
                packet.putLong(packet.position() + IpHeaders.IPV4_HEADER, 40);
            }
            return packet;
        });
        for (int i = 0; i < 6; i++) {
            client.send(clientIpv4(0), serverIpv4(0), i, 100);
        }

        net.network().runFor(Duration.ofSeconds(1));

        assertThat(server.arrivedTags()).containsExactly(0L, 2L, 40L);
        assertThat(net.path(0).aToB().counters().droppedPackets(DropReason.FILTERED)).isEqualTo(3);
        assertThat(net.path(0).aToB().counters().offeredPackets()).isEqualTo(6);
    }
}
