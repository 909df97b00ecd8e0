package io.mptcp4j.spring;

import io.mptcp4j.nio.MptcpProviderConfig;
import io.mptcp4j.nio.MptcpSelectorProvider;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/** A provider that never opens a real stack: counts {@link #open()} and
 * {@link #close()} calls, or fails opening with a given exception. */
class FakeProvider extends MptcpSelectorProvider {

    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    private final IOException failure;

    FakeProvider() {
        this(null);
    }

    FakeProvider(IOException failure) {
        super(MptcpProviderConfig.defaults());
        this.failure = failure;
    }

    @Override
    public void open() throws IOException {
        opened.incrementAndGet();
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void close() {
        closed.incrementAndGet();
        super.close();
    }
}
