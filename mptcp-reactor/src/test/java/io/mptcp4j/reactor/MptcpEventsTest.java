package io.mptcp4j.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptcp4j.core.event.SubflowCloseReason;
import io.mptcp4j.core.event.SubflowEvent;
import io.mptcp4j.driver.MptcpSocketInfo;
import io.mptcp4j.event.EventOverflowException;
import io.mptcp4j.event.SubflowEventPublisher;
import io.mptcp4j.nio.MptcpChannel;
import io.mptcp4j.nio.MptcpProviderConfig;
import io.mptcp4j.nio.MptcpSelectorProvider;
import java.net.InetSocketAddress;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/** The Flux side of the SPI's event publishers, without a network: replay, order, completion, overflow. */
class MptcpEventsTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final long TOKEN = 0x1234_5678L;
    private static final InetSocketAddress LOCAL = new InetSocketAddress("10.0.0.1", 40000);
    private static final InetSocketAddress REMOTE = new InetSocketAddress("10.0.0.2", 8080);
    private static final InetSocketAddress JOIN_LOCAL = new InetSocketAddress("10.0.1.1", 40001);

    private static final SubflowEvent CREATED = new SubflowEvent.ConnectionCreated(TOKEN, 1, LOCAL, REMOTE, false);
    private static final SubflowEvent ESTABLISHED =
            new SubflowEvent.ConnectionEstablished(TOKEN, 2, LOCAL, REMOTE, false);
    private static final SubflowEvent JOINED =
            new SubflowEvent.SubflowEstablished(TOKEN, 3, JOIN_LOCAL, REMOTE, 1, 0, false);
    private static final SubflowEvent JOIN_CLOSED = new SubflowEvent.SubflowClosed(TOKEN, 4, JOIN_LOCAL, REMOTE, 1,
            0, false, SubflowCloseReason.LINK_DOWN, -1);
    private static final SubflowEvent CLOSED = new SubflowEvent.ConnectionClosed(TOKEN, 5, null);

    /**
     * A connection as the SPI's channels publish it: each subscriber is handed the present state ahead of later
     * events (what {@code ChannelStream} does on the stack's thread).
     */
    private static MptcpChannel channelWithState(SubflowEventPublisher publisher, List<SubflowEvent> present) {
        return new MptcpChannel() {
            @Override
            public boolean isMptcp() {
                return true;
            }

            @Override
            public MptcpSocketInfo info() {
                throw new UnsupportedOperationException();
            }

            @Override
            public Flow.Publisher<SubflowEvent> events() {
                return subscriber -> publisher.subscribe(subscriber, present);
            }
        };
    }

    @Test
    void aLateSubscriberGetsThePresentStateFirstThenTheChangesInOrderThenCompletion() {
        SubflowEventPublisher publisher = new SubflowEventPublisher(Runnable::run, 16);
        publisher.publish(CREATED); // before anyone subscribed: only the replay brings the state back
        MptcpChannel channel = channelWithState(publisher, List.of(CREATED, ESTABLISHED, JOINED));

        StepVerifier.create(MptcpEvents.of(channel))
                .expectNext(CREATED, ESTABLISHED, JOINED)
                .then(() -> publisher.publish(JOIN_CLOSED))
                .expectNext(JOIN_CLOSED)
                .then(() -> {
                    publisher.publish(CLOSED);
                    publisher.close();
                })
                .expectNext(CLOSED)
                .expectComplete()
                .verify(WAIT);
    }

    @Test
    void everySubscriberGetsItsOwnReplay() {
        SubflowEventPublisher publisher = new SubflowEventPublisher(Runnable::run, 16);
        MptcpChannel channel = channelWithState(publisher, List.of(CREATED, ESTABLISHED));
        var flux = MptcpEvents.of(channel);
        StepVerifier.create(flux.take(2)).expectNext(CREATED, ESTABLISHED).verifyComplete();
        StepVerifier.create(flux.take(2)).expectNext(CREATED, ESTABLISHED).verifyComplete();
    }

    @Test
    void aSubscriberThatFallsBehindGetsTheOverflowError() {
        SubflowEventPublisher publisher = new SubflowEventPublisher(Runnable::run, 2);

        StepVerifier.create(MptcpEvents.of(publisher), 1)
                .then(() -> publisher.publish(CREATED))     // requested: delivered at once
                .expectNext(CREATED)
                .then(() -> {
                    publisher.publish(ESTABLISHED);         // buffered
                    publisher.publish(JOINED);              // buffered: the buffer is full
                    publisher.publish(JOIN_CLOSED);         // one too many
                })
                .expectErrorSatisfies(e -> assertThat(e)
                        .isInstanceOf(EventOverflowException.class)
                        .hasMessageContaining("buffer of 2 events")
                        .satisfies(o -> assertThat(((EventOverflowException) o).discarded()).isEqualTo(3)))
                .verify(WAIT);
        assertThat(publisher.subscriberCount()).isZero();
    }

    @Test
    void onBackpressureBufferRequestsWithoutLimitAndSoNeverOverflows() {
        // Why MptcpEvents warns against it: the SPI's bound cannot act when the operator asks for everything.
        SubflowEventPublisher publisher = new SubflowEventPublisher(Runnable::run, 2);

        StepVerifier.create(MptcpEvents.of(publisher).onBackpressureBuffer(), 0)
                .then(() -> {
                    for (int i = 0; i < 10; i++) {
                        publisher.publish(new SubflowEvent.AddressRemoved(TOKEN, i, i));
                    }
                    publisher.close();
                })
                .thenRequest(10)
                .expectNextCount(10)
                .verifyComplete();
    }

    @Test
    void theStackWideFluxCompletesWhenTheProviderCloses() {
        MptcpSelectorProvider provider = new MptcpSelectorProvider(MptcpProviderConfig.defaults());
        StepVerifier.create(MptcpEvents.of(provider))
                .expectSubscription()
                .then(provider::close)
                .expectComplete()
                .verify(WAIT);
        StepVerifier.create(MptcpEvents.of(provider)).expectComplete().verify(WAIT); // later subscribers too
    }

    @Test
    void aChannelThatIsNotConnectedErrorsAndTheFluxIsLazy() throws Exception {
        try (MptcpSelectorProvider provider = new MptcpSelectorProvider(MptcpProviderConfig.defaults());
             SocketChannel ch = provider.openSocketChannel()) {
            MptcpChannel mptcp = MptcpChannel.of(ch).orElseThrow();
            StepVerifier.create(MptcpEvents.of(mptcp))
                    .expectError(NotYetConnectedException.class)
                    .verify(WAIT);
        }
    }
}
