/**
 * Drivers: the code that runs the sans-IO core against real time and real sockets.
 * {@link io.mptcp4j.driver.StackEventLoop} is the single thread that owns a stack and a device, reads the system
 * clock ({@link io.mptcp4j.driver.SystemClock}) and passes the time into the core as {@code now}; other threads
 * reach the stack only through its task queue.
 */
package io.mptcp4j.driver;
