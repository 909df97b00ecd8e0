package io.mptcp4j.spring;

import io.mptcp4j.nio.MptcpSelectorProvider;
import java.io.IOException;
import java.util.Objects;
import org.springframework.beans.factory.InitializingBean;

/**
 * Opens the mptcp4j stack while the application context starts ({@code mptcp.open-on-startup}, on by default), so
 * that missing privileges, an unknown namespace or a bad local address stop the start-up with an explanation
 * (see {@link MptcpFailureAnalyzer}) before the web server listens, rather than failing the first request.
 */
public final class MptcpStackStarter implements InitializingBean {

    private static final System.Logger LOG = System.getLogger(MptcpStackStarter.class.getName());

    private final MptcpSelectorProvider provider;

    public MptcpStackStarter(MptcpSelectorProvider provider) {
        this.provider = Objects.requireNonNull(provider, "provider");
    }

    @Override
    public void afterPropertiesSet() throws IOException {
        provider.open();
        LOG.log(System.Logger.Level.DEBUG, () -> "mptcp4j stack opened at start-up: " + provider);
    }
}
