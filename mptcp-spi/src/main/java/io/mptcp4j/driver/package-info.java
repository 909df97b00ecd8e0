/**
 * Drivers: the code that runs the sans-IO core against real time and real sockets. It is the only place that
 * reads the system clock ({@link io.mptcp4j.driver.SystemClock}) and passes the time into the core as
 * {@code now}.
 */
package io.mptcp4j.driver;
