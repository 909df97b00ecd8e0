package io.mptcp4j.reactor;

import io.mptcp4j.core.event.SubflowEvent;
import io.mptcp4j.driver.MptcpSocketInfo;
import io.mptcp4j.nio.MptcpChannel;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.NotYetConnectedException;
import java.util.Objects;
import java.util.Optional;
import reactor.core.publisher.Flux;
import reactor.netty.Connection;

/**
 * The MPTCP side of a Reactor Netty {@link Connection} made on {@link MptcpLoopResources}: its mptcp4j channel,
 * subflows and events. A connection on other loop resources, or one the provider left to the platform (loopback,
 * excluded destinations), has no MPTCP side: the methods answer empty.
 */
public final class MptcpConnections {

    private MptcpConnections() {
    }

    /** The mptcp4j channel under {@code connection}, if it runs on {@link MptcpLoopResources}. */
    public static Optional<MptcpChannel> channel(Connection connection) {
        Objects.requireNonNull(connection, "connection");
        return channel(connection.channel());
    }

    /**
     * The mptcp4j channel under a Netty channel: the channel itself, or the connection it is a stream of (HTTP/2
     * streams are child channels of the TCP connection's).
     */
    public static Optional<MptcpChannel> channel(Channel channel) {
        for (Channel c = channel; c != null; c = c.parent()) {
            if (c instanceof MptcpNioSocketChannel) {
                return ((MptcpNioSocketChannel) c).mptcpChannel();
            }
        }
        return Optional.empty();
    }

    /**
     * Whether {@code connection} speaks MPTCP over the userspace stack: false through the platform, and (as
     * {@link MptcpChannel#isMptcp()}) after a fallback to plain TCP, which {@link #info} and {@link #events} still
     * report.
     */
    public static boolean isMptcp(Connection connection) {
        return channel(connection).map(MptcpChannel::isMptcp).orElse(false);
    }

    /**
     * A snapshot of the MPTCP connection (state, fallback, subflows with their addresses, RTT, window and bytes);
     * empty when the connection does not run over the userspace stack. It waits for the stack's thread to take the
     * snapshot, a short hop, but a blocking one.
     *
     * @throws UncheckedIOException if the stack is gone
     */
    public static Optional<MptcpSocketInfo> info(Connection connection) {
        Optional<MptcpChannel> channel = channel(connection);
        if (channel.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(channel.get().info());
        } catch (NotYetConnectedException e) {
            return Optional.empty(); // through the platform, or closed before connecting
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The connection's subflow events (see {@link MptcpEvents#of(MptcpChannel)}: present state replayed, then
     * changes, completing after ConnectionClosed), a fallback's included; empty when the connection does not run
     * over the userspace stack. Decided at subscription.
     */
    public static Flux<SubflowEvent> events(Connection connection) {
        Objects.requireNonNull(connection, "connection");
        // A Reactor Netty connection is connected, so the only NotYetConnectedException left is the one the
        // provider's channels give when they went to the platform: no MPTCP side, nothing to report.
        return Flux.defer(() -> channel(connection)
                .map(ch -> MptcpEvents.of(ch).onErrorResume(NotYetConnectedException.class, e -> Flux.empty()))
                .orElseGet(Flux::empty));
    }
}
