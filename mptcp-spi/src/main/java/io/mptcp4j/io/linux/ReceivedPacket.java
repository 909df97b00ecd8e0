package io.mptcp4j.io.linux;

import java.net.InetAddress;

/**
 * What {@link RawTcpSocket#receive} stored and where it came from.
 *
 * @param length          bytes written into the buffer (from its position on)
 * @param source          the sender's address (IP source)
 * @param destination     the address the packet was sent to (IP destination, from IP_PKTINFO/IPV6_PKTINFO)
 * @param interfaceIndex  index of the interface it arrived on, 0 if unknown
 * @param transportOffset where the TCP header starts within the stored bytes: the IPv4 header length for IPv4
 *                        raw sockets (which deliver the IP header), 0 for IPv6 raw sockets (which do not)
 * @param truncated       true if the packet was longer than the buffer's remaining space and was cut
 */
public record ReceivedPacket(int length, InetAddress source, InetAddress destination, int interfaceIndex,
                             int transportOffset, boolean truncated) {
}
