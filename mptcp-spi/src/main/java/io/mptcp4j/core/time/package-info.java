/**
 * Time for the sans-IO core: a {@link io.mptcp4j.core.time.Clock} read only by drivers, a
 * {@link io.mptcp4j.core.time.ManualClock} for tests and simulators, and {@link io.mptcp4j.core.time.Deadlines}
 * for timers kept as data.
 *
 * <p>Nothing in {@code io.mptcp4j.core} reads a clock by itself. Every call that depends on time takes
 * {@code long now}: nanoseconds from a monotonic clock with an arbitrary origin, as {@link System#nanoTime()}
 * gives them. Instants may be negative and may wrap, so they are only ever compared by subtracting them
 * ({@code a - b < 0}), never with {@code <} directly; that is valid while the two instants are less than
 * 2<sup>63</sup> ns (about 292 years) apart. A timer is a deadline the caller polls, with
 * {@link io.mptcp4j.core.time.Deadlines#NEVER} for a timer that is not armed.
 */
package io.mptcp4j.core.time;
