package io.mptcp4j.core.mptcp;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The mappings a subflow sends and receives (RFC 8684 section 3.3.1). */
class MappingsTest {

    @Test
    void unsentMappingsGrowAndSentOnesAreFrozen() {
        SendMappings sent = new SendMappings();
        sent.add(0, 1000, 100);
        sent.add(100, 1100, 50);
        assertThat(sent.size()).isEqualTo(1);
        assertThat(sent.last().length).isEqualTo(150);
        sent.last().freeze();
        sent.add(150, 1150, 10);
        assertThat(sent.size()).as("a sent mapping never changes").isEqualTo(2);
        // A reinjection: contiguous in the subflow, not in the data sequence space.
        sent.add(160, 900, 10);
        assertThat(sent.size()).isEqualTo(3);
        assertThat(sent.find(0).dsn).isEqualTo(1000);
        assertThat(sent.find(149).length).isEqualTo(150);
        assertThat(sent.find(165).dsnAt(165)).isEqualTo(905);
        assertThat(sent.find(170)).isNull();
    }

    @Test
    void aMappingStopsAtSixtyFourKilobytes() {
        SendMappings sent = new SendMappings();
        sent.add(0, 0, SendMappings.MAX_LENGTH - 10);
        sent.add(SendMappings.MAX_LENGTH - 10, SendMappings.MAX_LENGTH - 10, 20);
        assertThat(sent.size()).isEqualTo(2);
        assertThat(sent.get(0).length).isEqualTo(SendMappings.MAX_LENGTH - 10);
    }

    @Test
    void mappingsAreForgottenOnceAcknowledgedAtBothLevels() {
        SendMappings sent = new SendMappings();
        for (int i = 0; i < 40; i++) {
            sent.add(i * 10L, 500 + i * 10L, 10);
            sent.last().freeze();
        }
        sent.prune(200, 600);
        assertThat(sent.get(0).offset).as("acknowledged on the subflow, not by DATA_ACK").isEqualTo(100);
        sent.prune(150, 900);
        assertThat(sent.get(0).offset).isEqualTo(150);
        assertThat(sent.size()).isEqualTo(25);
    }

    @Test
    void receivedMappingsAreStoredOnceAndChecked() {
        ReceiveMappings received = new ReceiveMappings();
        ReceivedMapping a = new ReceivedMapping(0, 5000, 100, false, false, 0);
        assertThat(received.add(a)).isEqualTo(ReceiveMappings.Outcome.ADDED);
        assertThat(received.add(a)).isEqualTo(ReceiveMappings.Outcome.REPEATED);
        assertThat(received.add(new ReceivedMapping(0, 6000, 100, false, false, 0)))
                .isEqualTo(ReceiveMappings.Outcome.CONFLICT);
        assertThat(received.add(new ReceivedMapping(50, 5050, 100, false, false, 0)))
                .isEqualTo(ReceiveMappings.Outcome.CONFLICT);
        assertThat(received.add(new ReceivedMapping(200, 5200, 100, true, false, 0)))
                .isEqualTo(ReceiveMappings.Outcome.ADDED);
        assertThat(received.add(new ReceivedMapping(150, 5150, 100, false, false, 0)))
                .as("runs into the next mapping").isEqualTo(ReceiveMappings.Outcome.CONFLICT);
        assertThat(received.find(99).dsnAt(99)).isEqualTo(5099);
        assertThat(received.find(100)).isNull();
        assertThat(received.find(250).dataLevelLength()).isEqualTo(101);
        received.discardBefore(100);
        assertThat(received.size()).isEqualTo(1);
    }

    @Test
    void theSameMappingWithItsDataFinAddedIsARepeatAndTheFirstIsKept() {
        // Linux sends the last mapping again with the DATA_FIN once its application closed (section 3.3.3).
        ReceiveMappings received = new ReceiveMappings();
        assertThat(received.add(new ReceivedMapping(0, 5000, 100, false, true, 0x1234)))
                .isEqualTo(ReceiveMappings.Outcome.ADDED);
        assertThat(received.add(new ReceivedMapping(0, 5000, 100, true, true, 0x1233)))
                .isEqualTo(ReceiveMappings.Outcome.REPEATED);
        assertThat(received.find(50).dataFin()).as("its checksum covers its own length").isFalse();
        assertThat(received.find(50).checksum()).isEqualTo(0x1234);
        assertThat(received.add(new ReceivedMapping(0, 5000, 99, true, true, 0x1233)))
                .as("other bytes").isEqualTo(ReceiveMappings.Outcome.CONFLICT);
    }

    @Test
    void aPeerCannotMakeUsStoreMappingsWithoutBound() {
        ReceiveMappings received = new ReceiveMappings();
        for (int i = 0; i < ReceiveMappings.MAX_MAPPINGS; i++) {
            received.add(new ReceivedMapping(i * 10L, i * 10L, 10, false, false, 0));
        }
        assertThat(received.add(new ReceivedMapping(1L << 30, 0, 10, false, false, 0)))
                .isEqualTo(ReceiveMappings.Outcome.FULL);
    }
}
