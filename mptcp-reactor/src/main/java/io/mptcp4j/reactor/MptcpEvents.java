package io.mptcp4j.reactor;

import io.mptcp4j.core.event.SubflowEvent;
import io.mptcp4j.nio.MptcpChannel;
import io.mptcp4j.nio.MptcpSelectorProvider;
import java.util.Objects;
import java.util.concurrent.Flow;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;

/**
 * Subflow events as {@link Flux}es: the SPI's {@link Flow.Publisher}s adapted with {@link JdkFlowAdapter}, nothing
 * added or taken away. What a subscriber sees therefore comes from the SPI:
 *
 * <ul>
 *   <li><b>Per connection</b> ({@link #of(MptcpChannel)}): the present state first (ConnectionCreated,
 *       ConnectionEstablished, one SubflowEstablished per live extra subflow; or Fallback), then every change in
 *       order, then completion after ConnectionClosed. Each subscriber gets its own replay.</li>
 *   <li><b>Stack-wide</b> ({@link #of(MptcpSelectorProvider)}): every connection's events from the moment of
 *       subscribing (no replay), completing when the provider closes.</li>
 *   <li><b>Bounded</b>: every subscription buffers at most {@code UserspaceMptcp.EVENT_BUFFER} events that were
 *       not requested yet; a subscriber that falls further behind gets {@code onError} with an
 *       {@link io.mptcp4j.event.EventOverflowException}. Events are never dropped silently.</li>
 *   <li>Signals arrive on the SPI's executor (the common {@link java.util.concurrent.ForkJoinPool}): do not block in
 *       them; {@code publishOn(scheduler)} moves work elsewhere and keeps the bound (it requests a fixed
 *       prefetch).</li>
 * </ul>
 *
 * <p>{@code onBackpressureBuffer()} requests without limit upstream and keeps an unbounded queue of its own: the
 * bound and its overflow error are gone, and a stalled consumer grows the heap instead. Likewise
 * {@code onBackpressureDrop()} and {@code onBackpressureLatest()} drop events silently. Prefer a subscriber that
 * requests what it can handle, and let overflow end it visibly.
 */
public final class MptcpEvents {

    private MptcpEvents() {
    }

    /** Every subflow event of every connection of {@code provider}, from now until the provider closes. */
    public static Flux<SubflowEvent> of(MptcpSelectorProvider provider) {
        Objects.requireNonNull(provider, "provider");
        return of(provider.events());
    }

    /**
     * The events of one connection, its present state replayed to each subscriber. Errors with
     * {@link java.nio.channels.NotYetConnectedException} if the channel is not connected over MPTCP when
     * subscribed to (the publisher is taken at subscription, so a Flux made before connecting works after).
     */
    public static Flux<SubflowEvent> of(MptcpChannel channel) {
        Objects.requireNonNull(channel, "channel");
        return Flux.defer(() -> of(channel.events()));
    }

    /** Any publisher of subflow events (e.g. {@code UserspaceMptcp.events()}) as a Flux. */
    public static Flux<SubflowEvent> of(Flow.Publisher<SubflowEvent> publisher) {
        Objects.requireNonNull(publisher, "publisher");
        return JdkFlowAdapter.flowPublisherToFlux(publisher);
    }
}
