/**
 * Packet schedulers (which subflow carries each chunk of connection-level data) and the views they decide on:
 * {@link io.mptcp4j.core.sched.PacketScheduler}, {@link io.mptcp4j.core.sched.SchedulingContext},
 * {@link io.mptcp4j.core.sched.SubflowView}, and the default {@link io.mptcp4j.core.sched.MinRttScheduler}.
 * Depends on nothing of {@code core.mptcp}, which implements the views.
 */
package io.mptcp4j.core.sched;
