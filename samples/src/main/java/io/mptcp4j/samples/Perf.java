package io.mptcp4j.samples;

import java.util.List;

/**
 * {@code mptcp perf server|client}: an iperf-like goodput test over MPTCP. The client asks for a direction and a
 * duration or byte count, the sender streams a checkable pattern, the receiver verifies every byte; both show the
 * rate of every subflow as the test runs and a summary (and, with {@code --json}, a JSON result) at the end. See
 * docs/perf.md.
 */
final class Perf implements Mptcp.Command {

    @Override
    public String name() {
        return "perf";
    }

    @Override
    public String summary() {
        return "iperf-like goodput test: 'perf server', 'perf client HOST' (mptcp4j needs root; --kernel does not)";
    }

    @Override
    public int run(List<String> args) throws Exception {
        if (args.isEmpty()) {
            throw new Mptcp.UsageException("server or client? " + PerfSettings.USAGE);
        }
        List<String> rest = args.subList(1, args.size());
        // Java 17: a console exists when standard input and output are terminals; good enough to decide on redraws
        boolean terminal = System.console() != null;
        switch (args.get(0)) {
            case "server":
                return PerfServer.run(PerfSettings.server(rest), null, System.out, System.err, terminal);
            case "client":
                return PerfClient.run(PerfSettings.client(rest), null, System.out, System.err, terminal);
            default:
                throw new Mptcp.UsageException("unknown perf role '" + args.get(0) + "'; " + PerfSettings.USAGE);
        }
    }
}
