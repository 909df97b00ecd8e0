/**
 * Packet schedulers (which subflow carries each chunk of connection-level data) and the views they decide on:
 * {@link io.mptcp4j.core.sched.PacketScheduler}, {@link io.mptcp4j.core.sched.SchedulingContext},
 * {@link io.mptcp4j.core.sched.SubflowView}; the built-in schedulers — the default
 * {@link io.mptcp4j.core.sched.MinRttScheduler}, {@link io.mptcp4j.core.sched.RoundRobinScheduler},
 * {@link io.mptcp4j.core.sched.RedundantScheduler}, {@link io.mptcp4j.core.sched.BlestScheduler},
 * {@link io.mptcp4j.core.sched.EcfScheduler} and {@link io.mptcp4j.core.sched.BackupAwareScheduler} — and
 * {@link io.mptcp4j.core.sched.PacketSchedulers}, which finds them, and third-party ones registered as a
 * {@link io.mptcp4j.core.sched.PacketSchedulerProvider}, by name. Depends on nothing of {@code core.mptcp}, which
 * implements the views.
 */
package io.mptcp4j.core.sched;
