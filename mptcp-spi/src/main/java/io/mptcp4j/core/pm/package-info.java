/**
 * Path managers (RFC 8684 section 3.4): which subflows a connection opens and which addresses it announces.
 * {@link io.mptcp4j.core.pm.PathManager} is the SPI, {@link io.mptcp4j.core.pm.PathContext} what a manager sees
 * and may do; built in are {@link io.mptcp4j.core.pm.FullMeshPathManager} (the default),
 * {@link io.mptcp4j.core.pm.NDiffPortsPathManager} and {@link io.mptcp4j.core.pm.AnnouncePathManager}, by name
 * through {@link io.mptcp4j.core.pm.PathManagers}. Depends on {@code core.sched} for its views, not on
 * {@code core.mptcp}.
 */
package io.mptcp4j.core.pm;
