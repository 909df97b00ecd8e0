package io.mptcp4j.event;

import io.mptcp4j.core.event.SubflowEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The Flow adapter over the core's event queue: demand, order, overflow, completion, threads. */
class SubflowEventPublisherTest {

    /** Records signals; requests {@code initial} on subscribe. */
    static final class Recorder implements Flow.Subscriber<SubflowEvent> {
        final long initial;
        final List<SubflowEvent> events = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch terminated = new CountDownLatch(1);
        volatile Flow.Subscription subscription;
        volatile Throwable error;
        volatile boolean completed;

        Recorder(long initial) {
            this.initial = initial;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (initial > 0) {
                s.request(initial);
            }
        }

        @Override
        public void onNext(SubflowEvent item) {
            events.add(item);
        }

        @Override
        public void onError(Throwable throwable) {
            error = throwable;
            terminated.countDown();
        }

        @Override
        public void onComplete() {
            completed = true;
            terminated.countDown();
        }
    }

    private static SubflowEvent event(long token) {
        return new SubflowEvent.AddressRemoved(token, token * 10, 1);
    }

    @Test
    void deliversOnDemandInOrderThenCompletes() {
        SubflowEventPublisher publisher = new SubflowEventPublisher(Runnable::run, 16);
        Recorder r = new Recorder(2);
        publisher.subscribe(r);
        for (int i = 1; i <= 5; i++) {
            publisher.publish(event(i));
        }
        assertThat(r.events).extracting(SubflowEvent::token).containsExactly(1L, 2L);
        r.subscription.request(10);
        assertThat(r.events).extracting(SubflowEvent::token).containsExactly(1L, 2L, 3L, 4L, 5L);
        publisher.close();
        assertThat(r.completed).isTrue();
        assertThat(publisher.subscriberCount()).isZero();
        Recorder late = new Recorder(1);
        publisher.subscribe(late);
        assertThat(late.completed).isTrue();
    }

    @Test
    void aSubscriberThatFallsBehindGetsAClearErrorNotSilentLoss() {
        SubflowEventPublisher publisher = new SubflowEventPublisher(Runnable::run, 3);
        Recorder slow = new Recorder(1);
        Recorder fast = new Recorder(Long.MAX_VALUE);
        publisher.subscribe(slow);
        publisher.subscribe(fast);
        for (int i = 1; i <= 5; i++) {
            publisher.publish(event(i));
        }
        assertThat(slow.events).extracting(SubflowEvent::token).containsExactly(1L);
        assertThat(slow.error).isInstanceOf(EventOverflowException.class)
                .hasMessageContaining("buffer of 3 events was full");
        assertThat(((EventOverflowException) slow.error).discarded()).isEqualTo(4);
        assertThat(fast.events).hasSize(5);
        assertThat(fast.error).isNull();
        assertThat(publisher.subscriberCount()).isEqualTo(1);
    }

    @Test
    void followsTheReactiveStreamsRulesForBadDemandAndCancel() {
        SubflowEventPublisher publisher = new SubflowEventPublisher(Runnable::run, 4);
        Recorder r = new Recorder(0);
        publisher.subscribe(r);
        r.subscription.request(0);
        assertThat(r.error).isInstanceOf(IllegalArgumentException.class);
        Recorder c = new Recorder(5);
        publisher.subscribe(c);
        c.subscription.cancel();
        publisher.publish(event(1));
        assertThat(c.events).isEmpty();
        assertThat(publisher.subscriberCount()).isZero();
    }

    @Test
    void closingExceptionallyReachesEverySubscriber() {
        SubflowEventPublisher publisher = new SubflowEventPublisher(Runnable::run, 4);
        Recorder r = new Recorder(1);
        publisher.subscribe(r);
        publisher.closeExceptionally(new IllegalStateException("driver stopped"));
        assertThat(r.error).hasMessage("driver stopped");
    }

    @Test
    void deliversFromAnotherThreadWhileTheDriverPublishes() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            SubflowEventPublisher publisher = new SubflowEventPublisher(executor, 100_000);
            Recorder r = new Recorder(Long.MAX_VALUE);
            publisher.subscribe(r);
            Thread driver = new Thread(() -> {
                for (int i = 0; i < 20_000; i++) {
                    publisher.publish(event(i));
                }
                publisher.close();
            });
            driver.start();
            assertThat(r.terminated.await(10, TimeUnit.SECONDS)).isTrue();
            driver.join();
            assertThat(r.completed).isTrue();
            assertThat(r.events).hasSize(20_000);
            for (int i = 0; i < 20_000; i++) {
                assertThat(r.events.get(i).token()).isEqualTo(i);
            }
        } finally {
            executor.shutdownNow();
        }
    }
}
