/**
 * Devices: where the driver's IP packets meet the wire. {@link io.mptcp4j.io.Device} is the contract (batched,
 * non-blocking receive and send of complete IP packets, a wait that other threads can cut short);
 * {@link io.mptcp4j.io.RawSocketDevice} is the real one over Linux raw sockets; {@link io.mptcp4j.io.PcapDevice}
 * and {@link io.mptcp4j.io.FaultInjectingDevice} are decorators that record traffic to a pcap file
 * ({@link io.mptcp4j.io.PcapWriter}) and impair it.
 */
package io.mptcp4j.io;
