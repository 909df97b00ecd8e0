package io.mptcp4j.io.linux;

import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * A tiny TCP header builder and reader for the native-layer tests, independent of the real codecs in
 * {@code io.mptcp4j.core.wire}: 20-byte headers without options, checksum over the pseudo-header.
 */
final class TestSegments {

    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int ACK = 0x10;

    private TestSegments() {
    }

    /** A 20-byte TCP header with {@code flags} and a valid checksum for {@code source -> destination}. */
    static byte[] segment(InetAddress source, InetAddress destination, int sourcePort, int destinationPort,
                          long seq, long ack, int flags) {
        byte[] tcp = new byte[20];
        ByteBuffer b = ByteBuffer.wrap(tcp);
        b.putShort((short) sourcePort).putShort((short) destinationPort).putInt((int) seq).putInt((int) ack);
        b.put((byte) (5 << 4)).put((byte) flags).putShort((short) 0xffff).putShort((short) 0).putShort((short) 0);
        int checksum = checksum(source, destination, tcp);
        tcp[16] = (byte) (checksum >>> 8);
        tcp[17] = (byte) checksum;
        return tcp;
    }

    /** A SYN. */
    static byte[] syn(InetAddress source, InetAddress destination, int sourcePort, int destinationPort, long seq) {
        return segment(source, destination, sourcePort, destinationPort, seq, 0, SYN);
    }

    /** The TCP checksum of {@code tcp} (checksum field zero) between the two addresses. */
    static int checksum(InetAddress source, InetAddress destination, byte[] tcp) {
        byte[] s = source.getAddress();
        byte[] d = destination.getAddress();
        long sum = 0;
        sum = add(sum, s);
        sum = add(sum, d);
        sum += 6; // protocol
        sum += tcp.length; // TCP length (fits 16 bits here, so also right for IPv6's 32-bit field)
        sum = add(sum, tcp);
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    private static long add(long sum, byte[] bytes) {
        for (int i = 0; i < bytes.length; i += 2) {
            int hi = bytes[i] & 0xff;
            int lo = i + 1 < bytes.length ? bytes[i + 1] & 0xff : 0;
            sum += hi << 8 | lo;
        }
        return sum;
    }

    /** Source port of the TCP header at {@code offset}. */
    static int sourcePort(ByteBuffer packet, int offset) {
        return packet.getShort(offset) & 0xffff;
    }

    /** Destination port of the TCP header at {@code offset}. */
    static int destinationPort(ByteBuffer packet, int offset) {
        return packet.getShort(offset + 2) & 0xffff;
    }

    /** Flags byte of the TCP header at {@code offset}. */
    static int flags(ByteBuffer packet, int offset) {
        return packet.get(offset + 13) & 0xff;
    }

    /** Acknowledgment number of the TCP header at {@code offset}. */
    static long ack(ByteBuffer packet, int offset) {
        return packet.getInt(offset + 8) & 0xffffffffL;
    }
}
