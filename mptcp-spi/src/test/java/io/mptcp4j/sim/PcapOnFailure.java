package io.mptcp4j.sim;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Traces a simulated network and, if the test fails, writes the trace to the build directory's
 * {@code sim-traces/}: a pcap of the packets the hosts sent and a text log of every event with drop reasons.
 *
 * <p>Register it on a field, {@code @RegisterExtension final PcapOnFailure traces = new PcapOnFailure();}, and
 * call {@code traces.watch(network)} in the test once the network is built.
 */
public final class PcapOnFailure implements TestWatcher {

    private static final int SNAP_LENGTH = 256;
    private static final int MAX_RECORDS = 200_000;

    private SimNetwork network;
    private PacketTrace trace;

    /** Starts tracing {@code network} (the headers of its latest events) and returns the trace. */
    public PacketTrace watch(SimNetwork network) {
        if (this.network != null) {
            throw new IllegalStateException("already watching a network");
        }
        this.network = network;
        this.trace = new PacketTrace(SNAP_LENGTH, MAX_RECORDS);
        network.addObserver(trace);
        return trace;
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        if (trace == null) {
            return;
        }
        Path directory = buildDirectory(context.getRequiredTestClass()).resolve("sim-traces");
        String base = context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName()
                + invocationSuffix(context) + "-seed" + network.seed();
        Path pcap = directory.resolve(base + ".pcap");
        try {
            trace.writePcap(pcap, record -> record.kind() == TraceKind.SENT);
            trace.writeText(directory.resolve(base + ".txt"));
            System.err.println("simulated network trace (" + network.context() + "): " + pcap.toAbsolutePath());
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    /** "-loss_0.01_SACK_true" for one invocation of a parameterized test, named after its display name; else "". */
    private static String invocationSuffix(ExtensionContext context) {
        if (context.getRequiredTestMethod().getParameterCount() == 0) {
            return "";
        }
        return "-" + context.getDisplayName().replaceAll("[^A-Za-z0-9.=-]+", "_").replaceAll("^_|_$", "");
    }

    /** The parent of the test's classes directory (target/ or target-suffix/), else ./target. */
    private static Path buildDirectory(Class<?> testClass) {
        CodeSource source = testClass.getProtectionDomain().getCodeSource();
        if (source != null) {
            try {
                Path classes = Path.of(source.getLocation().toURI());
                if (Files.isDirectory(classes) && classes.getParent() != null) {
                    return classes.getParent();
                }
            } catch (URISyntaxException | IllegalArgumentException e) {
                // not a plain directory on the local file system: fall back
            }
        }
        return Path.of("target");
    }
}
