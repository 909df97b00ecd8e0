package io.mptcp4j.nio;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;

/**
 * The java.nio contract on loopback, no privileges needed: the JDK's provider, and mptcp4j's, whose
 * {@link ExclusionPolicy} leaves loopback to the platform (so every channel forwards to one of the JDK's).
 */
class NioContractTest extends NioContract {

    private final MptcpSelectorProvider ours = NioTransport.loopbackProvider();
    private final List<NioTransport> transports = List.of(NioTransport.jdk(ours), NioTransport.oursOnLoopback(ours));

    @Override
    Stream<NioTransport> transports() {
        return transports.stream();
    }

    @AfterAll
    void closeProvider() {
        ours.close();
    }
}
