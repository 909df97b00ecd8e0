/**
 * A deterministic network simulator for the sans-IO stacks, shipped in this module's test jar.
 *
 * <p>{@link io.mptcp4j.sim.SimNetwork} holds a virtual clock, an event queue and seeded random generators;
 * {@link io.mptcp4j.sim.SimHost}s run {@link io.mptcp4j.core.stack.NetworkStack}s and are joined by
 * {@link io.mptcp4j.sim.SimLink}s with a rate, a delay, a drop-tail queue and impairments
 * ({@link io.mptcp4j.sim.LinkConfig}). {@link io.mptcp4j.sim.TwoHostNetwork} is the usual N-path fixture,
 * {@link io.mptcp4j.sim.SharedBottleneckNetwork} a dumbbell whose senders share one link behind a
 * {@link io.mptcp4j.sim.ForwardingStack} router,
 * {@link io.mptcp4j.sim.ByteStreamChecker} checks transferred bytes by pattern and hash, and
 * {@link io.mptcp4j.sim.PacketTrace} with {@link io.mptcp4j.sim.PcapOnFailure} keeps a pcap for debugging.
 * A seed replays a run exactly.
 */
package io.mptcp4j.sim;
