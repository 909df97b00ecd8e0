package io.mptcp4j.io.linux;

/**
 * The kernel's {@code struct mptcp_info} ({@code getsockopt(SOL_MPTCP, MPTCP_INFO)}), as laid out in
 * {@code include/uapi/linux/mptcp.h} of recent kernels (96 bytes; older kernels fill only a prefix, see
 * {@link #kernelLength()}, and the missing fields read 0):
 *
 * <pre>
 *  0 u8 subflows            1 u8 add_addr_signal      2 u8 add_addr_accepted
 *  3 u8 subflows_max        4 u8 add_addr_signal_max  5 u8 add_addr_accepted_max  (6..7 hole)
 *  8 u32 flags             12 u32 token
 * 16 u64 write_seq         24 u64 snd_una            32 u64 rcv_nxt
 * 40 u8 local_addr_used    41 u8 local_addr_max      42 u8 csum_enabled  (43 hole)
 * 44 u32 retransmits       48 u64 bytes_retrans      56 u64 bytes_sent
 * 64 u64 bytes_received    72 u64 bytes_acked
 * 80 u8 subflows_total     81 u8 endp_laminar_max    82 u8 endp_fullmesh_max  83 u8 reserved
 * 84 u32 last_data_sent    88 u32 last_data_recv     92 u32 last_ack_recv
 * </pre>
 *
 * @param subflows           additional subflows the path manager created (the initial one is not counted)
 * @param addAddrSignal      ADD_ADDRs sent
 * @param addAddrAccepted    ADD_ADDRs accepted from the peer
 * @param subflowsMax        the path manager's subflow limit
 * @param addAddrSignalMax   signal endpoints configured
 * @param addAddrAcceptedMax the add_addr_accepted limit
 * @param flags              {@code MPTCP_INFO_FLAG_*} bits
 * @param token              the local connection token (unsigned 32 bits)
 * @param writeSeq           next data sequence number to be written by the application (the three sequence
 *                           numbers are unsigned 64-bit values held in a long)
 * @param sndUna             oldest unacknowledged data sequence number
 * @param rcvNxt             next data sequence number expected
 * @param localAddrUsed      local endpoints in use
 * @param localAddrMax       local endpoints available
 * @param checksumEnabled    whether DSS checksums are on for this connection
 * @param retransmits        data-level retransmission count
 * @param bytesRetransmitted bytes retransmitted at the data level
 * @param bytesSent          bytes sent at the data level, retransmissions included
 * @param bytesReceived      bytes received at the data level
 * @param bytesAcked         bytes acknowledged at the data level
 * @param subflowsTotal      all subflows, the initial one included
 * @param endpLaminarMax     laminar endpoints configured
 * @param endpFullmeshMax    fullmesh endpoints configured
 * @param lastDataSentMs     milliseconds since data was last sent
 * @param lastDataRecvMs     milliseconds since data was last received
 * @param lastAckRecvMs      milliseconds since a DATA_ACK was last received
 * @param kernelLength       how many bytes of the structure the kernel filled in
 */
public record MptcpInfo(int subflows, int addAddrSignal, int addAddrAccepted, int subflowsMax,
                        int addAddrSignalMax, int addAddrAcceptedMax, int flags, long token, long writeSeq,
                        long sndUna, long rcvNxt, int localAddrUsed, int localAddrMax, boolean checksumEnabled,
                        long retransmits, long bytesRetransmitted, long bytesSent, long bytesReceived,
                        long bytesAcked, int subflowsTotal, int endpLaminarMax, int endpFullmeshMax,
                        long lastDataSentMs, long lastDataRecvMs, long lastAckRecvMs, int kernelLength) {

    /** Size of the structure as of Linux 6.18. */
    public static final int STRUCT_SIZE = 96;

    /** {@code MPTCP_INFO_FLAG_FALLBACK}: the connection fell back to plain TCP. */
    public static final int FLAG_FALLBACK = 1;

    /** {@code MPTCP_INFO_FLAG_REMOTE_KEY_RECEIVED}: the peer's key arrived (MP_CAPABLE completed). */
    public static final int FLAG_REMOTE_KEY_RECEIVED = 2;

    /** True if the kernel says the connection fell back to TCP. */
    public boolean isFallback() {
        return (flags & FLAG_FALLBACK) != 0;
    }

    /** True if the peer's MPTCP key was received. */
    public boolean remoteKeyReceived() {
        return (flags & FLAG_REMOTE_KEY_RECEIVED) != 0;
    }

    /** Decodes the first {@code length} bytes of {@code raw}; fields past {@code length} are 0. */
    public static MptcpInfo decode(byte[] raw, int length) {
        byte[] b = new byte[STRUCT_SIZE];
        int valid = Math.max(0, Math.min(length, Math.min(raw.length, STRUCT_SIZE)));
        System.arraycopy(raw, 0, b, 0, valid);
        return new MptcpInfo(u8(b, 0), u8(b, 1), u8(b, 2), u8(b, 3), u8(b, 4), u8(b, 5),
                (int) u32(b, 8), u32(b, 12), u64(b, 16), u64(b, 24), u64(b, 32),
                u8(b, 40), u8(b, 41), u8(b, 42) != 0,
                u32(b, 44), u64(b, 48), u64(b, 56), u64(b, 64), u64(b, 72),
                u8(b, 80), u8(b, 81), u8(b, 82),
                u32(b, 84), u32(b, 88), u32(b, 92), valid);
    }

    private static int u8(byte[] b, int at) {
        return b[at] & 0xff;
    }

    private static long u32(byte[] b, int at) {
        return SocketAddresses.hostInt(b, at) & 0xffffffffL;
    }

    private static long u64(byte[] b, int at) {
        return u32(b, at) | u32(b, at + 4) << 32;
    }
}
