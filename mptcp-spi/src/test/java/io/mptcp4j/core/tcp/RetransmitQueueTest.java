package io.mptcp4j.core.tcp;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RetransmitQueueTest {

    private final RetransmitQueue queue = new RetransmitQueue();

    /** Ten 100-byte segments sent at times 0..9, the last with a FIN. */
    private void tenSegments() {
        for (int i = 0; i < 10; i++) {
            queue.append(i * 100L, 100, i == 9, i);
        }
    }

    @Test
    void aCumulativeAckRemovesWholeRecordsAndCutsAPartialOne() {
        tenSegments();
        queue.startAck();
        assertThat(queue.ackTo(250)).isEqualTo(250);
        assertThat(queue.size()).isEqualTo(8);
        assertThat(queue.start(0)).isEqualTo(250);
        assertThat(queue.length(0)).isEqualTo(50);
        assertThat(queue.ackedAny()).isTrue();
        assertThat(queue.deliveredFresh()).isTrue();
        assertThat(queue.freshestDeliveredSentTime()).isEqualTo(1);
        assertThat(queue.outstandingBytes()).isEqualTo(750);
        // The FIN takes one sequence number past the data.
        assertThat(queue.ackTo(1000)).isEqualTo(750);
        assertThat(queue.size()).isEqualTo(1);
        assertThat(queue.ackTo(1001)).isZero();
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void theRttSampleTimesTheMostRecentlySentRecordDeliveredOnce() {
        tenSegments();
        // A SACK delivers records 5 and 6 (sent at 5 and 6).
        queue.startAck();
        queue.sack(500, 700);
        assertThat(queue.deliveredFresh()).isTrue();
        assertThat(queue.freshestDeliveredSentTime()).isEqualTo(6);

        // Record 0 is lost and sent again at 20; the ACK that fills the hole covers records 0-6: 5 and 6 were
        // SACKed before and 0 was retransmitted, so the freshest delivery is record 4 (the oldest fresh one, which
        // used to be timed, is record 1).
        queue.markFirstLost();
        queue.retransmitted(0, 20);
        queue.startAck();
        queue.ackTo(700);
        assertThat(queue.deliveredFresh()).isTrue();
        assertThat(queue.freshestDeliveredSentTime()).isEqualTo(4);

        // Only a retransmitted record delivered: no sample (Karn).
        queue.markFirstLost();
        queue.retransmitted(0, 30);
        queue.startAck();
        queue.ackTo(800);
        assertThat(queue.ackedAny()).isTrue();
        assertThat(queue.deliveredFresh()).isFalse();
    }

    @Test
    void sackedRecordsLeaveThePipe() {
        tenSegments();
        assertThat(queue.sack(300, 600)).isEqualTo(300);
        assertThat(queue.sack(300, 600)).isZero();
        // Partly covered records are not SACKed.
        assertThat(queue.sack(650, 720)).isZero();
        assertThat(queue.pipe()).isEqualTo(700);
        assertThat(queue.highestSackedEnd()).isEqualTo(600);
    }

    @Test
    void isLostNeedsDupThreshSackedSegmentsAbove() {
        tenSegments();
        queue.sack(100, 300);
        assertThat(queue.markLostBySack(3, 100)).isEqualTo(-1);
        queue.sack(300, 400);
        // Three SACKed segments above record 0: it is lost; nothing else yet.
        assertThat(queue.markLostBySack(3, 100)).isZero();
        assertThat(queue.lostBytes()).isEqualTo(100);
        assertThat(queue.nextLost()).isZero();
        queue.sack(500, 800);
        assertThat(queue.markLostBySack(3, 100)).isEqualTo(4);
        assertThat(queue.lostBytes()).isEqualTo(200);
        // pipe = 1000 - 600 sacked - 200 lost.
        assertThat(queue.pipe()).isEqualTo(200);
    }

    @Test
    void retransmittedRecordsReturnToThePipeUntilATimeout() {
        tenSegments();
        queue.markFirstLost();
        assertThat(queue.pipe()).isEqualTo(900);
        queue.retransmitted(0, 50);
        assertThat(queue.pipe()).isEqualTo(1000);
        assertThat(queue.nextLost()).isEqualTo(-1);
        queue.markAllLost();
        assertThat(queue.pipe()).isZero();
        assertThat(queue.nextLost()).isZero();
        queue.startAck();
        queue.ackTo(100);
        assertThat(queue.ackedAny()).isTrue();
        assertThat(queue.deliveredFresh()).isFalse(); // Karn: the retransmitted record gives no sample
    }

    @Test
    void aRetransmissionSentBeforeADeliveredSegmentIsLostAgain() {
        tenSegments();
        // Records 0 and 1 are lost and sent again at 20 and 40.
        queue.markFirstLost();
        queue.retransmitted(0, 20);
        queue.sack(200, 1000);
        queue.markLostBySack(3, 100);
        assertThat(queue.nextLost()).isEqualTo(1);
        queue.retransmitted(1, 40);
        assertThat(queue.retransBytes()).isEqualTo(200);
        // Something sent at 25 is delivered: nothing sent before 25 is in flight but the retransmission at 20.
        assertThat(queue.markLostRetransmissions(10)).as("none sent before 10").isZero();
        assertThat(queue.markLostRetransmissions(25)).isEqualTo(100);
        assertThat(queue.retransBytes()).isEqualTo(100);
        assertThat(queue.nextLost()).as("due to be sent again").isZero();
        assertThat(queue.pipe()).isEqualTo(100);
        assertThat(queue.markLostRetransmissions(30)).as("the one at 40 is not older").isZero();
        queue.retransmitted(0, 50);
        assertThat(queue.markLostRetransmissions(45)).isEqualTo(100);
        assertThat(queue.nextLost()).isEqualTo(1);
    }

    @Test
    void aTimeoutWithTheFirstRecordSackedMeansTheReceiverReneged() {
        tenSegments();
        queue.sack(0, 100);
        queue.sack(500, 600);
        queue.markAllLost();
        // RFC 2018 section 8: SACK information is dropped, everything is resent.
        assertThat(queue.sackedBytes()).isZero();
        assertThat(queue.lostBytes()).isEqualTo(1000);
    }

    @Test
    void splittingKeepsTheFinOnTheSecondPart() {
        tenSegments();
        queue.split(9, 30);
        assertThat(queue.size()).isEqualTo(11);
        assertThat(queue.sequenceEnd(9)).isEqualTo(930);
        assertThat(queue.sequenceEnd(10)).isEqualTo(1001);
        assertThat(queue.has(10, RetransmitQueue.FIN)).isTrue();
        assertThat(queue.indexOf(1000)).isEqualTo(10);
        assertThat(queue.indexOf(929)).isEqualTo(9);
        assertThat(queue.outstandingBytes()).isEqualTo(1000);
    }

    @Test
    void growsAsARing() {
        for (int i = 0; i < 1000; i++) {
            queue.append(i * 10L, 10, false, i);
            if (i % 3 == 0) {
                queue.ackTo(i * 10L - 50);
            }
        }
        assertThat(queue.outstandingBytes()).isEqualTo(queue.size() * 10L);
        assertThat(queue.start(queue.size() - 1)).isEqualTo(9990);
    }
}
