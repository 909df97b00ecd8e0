package io.mptcp4j.nio;

import io.mptcp4j.core.event.SubflowEvent;
import io.mptcp4j.driver.MptcpSocketInfo;
import java.io.IOException;
import java.nio.channels.Channel;
import java.util.Optional;
import java.util.concurrent.Flow;

/**
 * What an mptcp4j {@link java.nio.channels.SocketChannel} offers beyond the standard: whether it speaks MPTCP, its
 * live subflows and its events. Reach it from any channel with {@link #of(Channel)}.
 */
public interface MptcpChannel {

    /**
     * Whether the channel is connected over the userspace MPTCP stack (false before connecting, for a destination
     * excluded by the {@link ExclusionPolicy}, or after a fallback to plain TCP shows in {@link #info()}).
     */
    boolean isMptcp();

    /**
     * A snapshot of the connection: state, fallback, and every subflow with its addresses, state, RTT, congestion
     * window, bytes and backup flag.
     *
     * @throws java.nio.channels.NotYetConnectedException if the channel is not connected over MPTCP
     * @throws IOException                                if the stack is gone
     */
    MptcpSocketInfo info() throws IOException;

    /**
     * This connection's events: first the present state replayed (connection created and established, one
     * subflow-established event per live subflow), then every change in order; completes when the connection
     * closes (after its {@link SubflowEvent.ConnectionClosed}). Each subscriber has a bounded buffer; one that
     * falls behind gets {@code onError} with an {@link io.mptcp4j.event.EventOverflowException}. Before the
     * channel is connected over MPTCP, subscribers get {@code onError} with
     * {@link java.nio.channels.NotYetConnectedException}.
     */
    Flow.Publisher<SubflowEvent> events();

    /** The mptcp4j view of {@code channel}, if it is an mptcp4j socket channel. */
    static Optional<MptcpChannel> of(Channel channel) {
        return channel instanceof MptcpChannel ? Optional.of((MptcpChannel) channel) : Optional.empty();
    }
}
