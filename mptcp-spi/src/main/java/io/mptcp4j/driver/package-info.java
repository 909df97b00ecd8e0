/**
 * Drivers: the code that runs the sans-IO core against real time and real sockets.
 * {@link io.mptcp4j.driver.StackEventLoop} is the single thread that owns a stack and a device, reads the system
 * clock ({@link io.mptcp4j.driver.SystemClock}) and passes the time into the core as {@code now}; other threads
 * reach the stack only through its task queue. {@link io.mptcp4j.driver.UserspaceTcp} puts a TCP stack, a raw
 * socket device and a loop together behind blocking sockets ({@link io.mptcp4j.driver.TcpSocket},
 * {@link io.mptcp4j.driver.TcpServerSocket}) whose calls are handed to the loop as requests;
 * {@link io.mptcp4j.driver.UserspaceMptcp} does the same for an MPTCP stack ({@link io.mptcp4j.driver.MptcpSocket},
 * {@link io.mptcp4j.driver.MptcpServerSocket}) with the same machinery.
 */
package io.mptcp4j.driver;
