/**
 * The native layer over jnr-ffi: raw TCP sockets with classic BPF filters ({@link
 * io.mptcp4j.io.linux.RawTcpSocket}, {@link io.mptcp4j.io.linux.BpfProgram}), port reservations that keep the
 * local kernel from answering the userspace stack's segments ({@link io.mptcp4j.io.linux.PortReservation}),
 * the kernel's own MPTCP and TCP sockets as reference peers ({@link io.mptcp4j.io.linux.KernelMptcpSocket},
 * {@link io.mptcp4j.io.linux.MptcpInfo}) and running code inside network namespaces ({@link
 * io.mptcp4j.io.linux.NetworkNamespace}).
 *
 * <p>Linux only, 64-bit little-endian (x86_64, aarch64). Raw sockets need root or {@code CAP_NET_RAW},
 * entering namespaces root or {@code CAP_SYS_ADMIN}; a missing privilege raises {@link
 * io.mptcp4j.io.linux.InsufficientPrivilegesException}, any other failed call a {@link
 * io.mptcp4j.io.linux.NativeCallException} naming the call and the error text. Descriptors are non-blocking
 * and close-on-exec; blocking calls wait with poll(2) and can be ended by {@code close()} from another thread.
 */
package io.mptcp4j.io.linux;
