package io.mptcp4j.samples;

import java.util.List;

/**
 * {@code mptcp bench WHAT [OPTIONS]}: measurements on this machine. {@code tcp} compares mptcp4j's userspace TCP
 * with the kernel's on a namespace lab path, {@code multipath} compares aggregation on several paths and
 * {@code failover} the gap when a path fails with the kernel's MPTCP (all need root); {@code heap} measures the
 * heap an idle established connection costs; {@code plot} draws SVG charts of their JSON results.
 */
final class Bench implements Mptcp.Command {

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "benchmarks: 'bench tcp', 'bench multipath', 'bench failover' (vs the kernel, need root), "
                + "'bench heap' (bytes per connection), 'bench spi' (java.nio SPI vs the core API), "
                + "'bench plot' (SVG charts of their --json results)";
    }

    @Override
    public int run(List<String> args) throws Exception {
        if (args.isEmpty()) {
            throw new Mptcp.UsageException("which benchmark? usage:\n"
                    + "  mptcp bench tcp [--rate 50mbit,none] [--seconds N] [--direction upload|download|both]"
                    + " [--family ipv4|ipv6] [--repeat N] [--warmup SECONDS] [--offloads off|on] [--json FILE]\n"
                    + "  mptcp bench multipath [--paths 2,3] [--rate 50mbit] [--seconds N] [--direction upload|download|both]"
                    + " [--repeat N] [--warmup SECONDS] [--json FILE]\n"
                    + "  mptcp bench failover [--rate 50mbit] [--seconds N] [--fail-at SECONDS] [--repeat N]"
                    + " [--direction upload|download|both] [--warmup SECONDS] [--json FILE]\n"
                    + "  mptcp bench heap [--connections N] [--json FILE]\n"
                    + "  mptcp bench spi [--seconds N] [--repeat N] [--round-trips N] [--json FILE]\n"
                    + "  mptcp bench plot [--multipath FILE] [--failover FILE] [--tcp FILE] [--spi FILE] --out DIR");
        }
        List<String> rest = args.subList(1, args.size());
        return switch (args.get(0)) {
            case "tcp" -> new TcpThroughputBench().run(rest);
            case "multipath" -> new MultipathBench().aggregation(rest);
            case "failover" -> new MultipathBench().failover(rest);
            case "heap" -> new ConnectionHeapBench().run(rest);
            case "spi" -> new SpiBench().run(rest);
            case "plot" -> new BenchPlot().run(rest);
            default -> throw new Mptcp.UsageException("unknown benchmark '" + args.get(0)
                    + "'; try tcp, multipath, failover, heap, spi or plot");
        };
    }
}
