/**
 * A two-host network-namespace lab ({@link io.mptcp4j.lab.NamespaceLab}) for interop tests against the
 * kernel's MPTCP, the demo and the perf tool: N veth paths with their own subnets, optional tbf rate limits,
 * offloads off, kernel path-manager settings, link failures, commands and counters per host.
 *
 * <p>Needs root and the commands {@code ip}, {@code tc}, {@code nstat} (iproute2) and {@code ethtool}. Labs
 * clean up after themselves, on {@code close()}, at JVM exit, or — after a crash — when the next lab is built.
 */
package io.mptcp4j.lab;
