package io.mptcp4j.io.linux;

/**
 * Linux ABI numbers used by this package (the asm-generic values shared by x86_64 and aarch64; some differ on
 * mips, sparc, alpha and parisc, which are not supported).
 */
final class LinuxConstants {

    // socket(2) domains, types and protocols
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int AF_NETLINK = 16;
    static final int SOCK_STREAM = 1;
    static final int SOCK_RAW = 3;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int IPPROTO_IP = 0;
    static final int IPPROTO_TCP = 6;
    static final int IPPROTO_IPV6 = 41;
    static final int IPPROTO_MPTCP = 262;
    static final int NETLINK_ROUTE = 0;

    // socket option levels and names
    static final int SOL_SOCKET = 1;
    static final int SO_REUSEADDR = 2;
    static final int SO_ERROR = 4;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SO_LINGER = 13;
    static final int SO_BINDTODEVICE = 25;
    static final int SO_ATTACH_FILTER = 26;
    static final int SO_DETACH_FILTER = 27;
    static final int SO_SNDBUFFORCE = 32;
    static final int SO_RCVBUFFORCE = 33;
    static final int SO_PROTOCOL = 38;
    static final int IP_HDRINCL = 3;
    static final int IP_PKTINFO = 8;
    static final int IPV6_V6ONLY = 26;
    static final int IPV6_HDRINCL = 36;
    static final int IPV6_RECVPKTINFO = 49;
    static final int IPV6_PKTINFO = 50;
    static final int TCP_NODELAY = 1;
    static final int SOL_MPTCP = 284;
    static final int MPTCP_INFO = 1;

    // rtnetlink multicast groups (rtnetlink(7), the legacy RTMGRP_* bit masks for sockaddr_nl.nl_groups)
    static final int RTMGRP_LINK = 0x1;
    static final int RTMGRP_IPV4_IFADDR = 0x10;
    static final int RTMGRP_IPV6_IFADDR = 0x100;

    // send/recv flags
    static final int MSG_TRUNC = 0x20;
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_NOSIGNAL = 0x4000;
    static final int MSG_CTRUNC = 0x8;

    // shutdown(2)
    static final int SHUT_WR = 1;
    static final int SHUT_RDWR = 2;

    // poll(2) events
    static final short POLLIN = 0x1;
    static final short POLLOUT = 0x4;
    static final short POLLERR = 0x8;
    static final short POLLHUP = 0x10;
    static final short POLLNVAL = 0x20;

    // open(2), fcntl(2), setns(2)
    static final int O_RDONLY = 0;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int F_GETFL = 3;
    static final int F_SETFL = 4;
    static final int CLONE_NEWNET = 0x40000000;

    // eventfd(2)
    static final int EFD_NONBLOCK = O_NONBLOCK;
    static final int EFD_CLOEXEC = O_CLOEXEC;

    private LinuxConstants() {
    }
}
