/**
 * Scenarios that run a protocol stack through the simulator, and the fixture they share.
 *
 * <p>The fixture puts applications on top of a stack: a {@link io.mptcp4j.sim.scenarios.StreamConnection} is what
 * an application needs of a connection (an adapter per protocol, {@link io.mptcp4j.sim.scenarios.TcpStream} for
 * TCP); a {@link io.mptcp4j.sim.scenarios.StreamApp} writes one checked stream and verifies the other, then
 * closes; a {@link io.mptcp4j.sim.scenarios.BulkTransfer} pairs a connection's two applications and measures
 * goodput; {@link io.mptcp4j.sim.scenarios.SimApplications} gives them their turns in the run loop.
 * {@link io.mptcp4j.sim.scenarios.TcpTransfers} sets all this up for TCP over a
 * {@link io.mptcp4j.sim.TwoHostNetwork}, and {@link io.mptcp4j.sim.scenarios.TcpSegmentLog} decodes what a link
 * carried.
 */
package io.mptcp4j.sim.scenarios;
