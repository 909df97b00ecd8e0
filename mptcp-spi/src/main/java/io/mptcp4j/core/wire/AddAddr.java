package io.mptcp4j.core.wire;

import static io.mptcp4j.core.wire.MptcpOptions.checkBits;
import static io.mptcp4j.core.wire.MptcpOptions.checkU16;
import static io.mptcp4j.core.wire.MptcpOptions.checkU8;
import static io.mptcp4j.core.wire.MptcpOptions.putHeader;
import static io.mptcp4j.core.wire.WireBytes.putU16;
import static io.mptcp4j.core.wire.WireBytes.putU64;
import static io.mptcp4j.core.wire.WireBytes.u16;
import static io.mptcp4j.core.wire.WireBytes.u64;
import static io.mptcp4j.core.wire.WireBytes.u8;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.OptionalInt;

/**
 * ADD_ADDR, subtype 3 (RFC 8684 section 3.4.1): announces an address (and optionally a port) the sender can be
 * reached at, or echoes such an announcement back as its acknowledgement.
 *
 * <p>An announcement (E=0) ends with the truncated HMAC {@link MptcpCrypto#addAddrHmac} computes; an echo (E=1)
 * has none. The length, read together with E, says everything else: IPv4 is 8 or 10 bytes echoed, 16 or 18
 * announced; IPv6 is 20 or 22 echoed, 28 or 30 announced; the longer of each pair carries the port. Any other length
 * is {@code BAD_OPTION_LENGTH}.
 *
 * <p>The address keeps its wire family: 16 bytes decode to an {@link Inet6Address} even when they hold an
 * IPv4-mapped address, so the option re-encodes to the same bytes.
 *
 * @param echo E: this echoes an announcement received from the peer
 * @param addressId the sender's identifier for the address, unique per connection
 * @param address the announced IPv4 or IPv6 address
 * @param port the port, when the option carries one (a port present on the wire is kept even when 0)
 * @param truncatedHmac the rightmost 64 bits of the ADD_ADDR HMAC; 0 on an echo, which carries none
 * @param reserved the reserved bits of the subtype byte, within {@link #RESERVED_MASK}
 */
public record AddAddr(boolean echo, int addressId, InetAddress address, OptionalInt port, long truncatedHmac,
        int reserved) implements MptcpOption {

    /** E, the low bit of the subtype byte. */
    public static final int FLAG_ECHO = 0x01;
    /** The three bits between the subtype and E. */
    public static final int RESERVED_MASK = 0x0E;

    private static final int BASE_LENGTH = 4;
    private static final int PORT_LENGTH = 2;
    private static final int HMAC_LENGTH = 8;

    public AddAddr {
        checkU8("addressId", addressId);
        if (!(address instanceof Inet4Address) && !(address instanceof Inet6Address)) {
            throw new IllegalArgumentException("address must be IPv4 or IPv6: " + address);
        }
        if (port == null) throw new IllegalArgumentException("port must be an OptionalInt, empty when absent");
        if (port.isPresent()) checkU16("port", port.getAsInt());
        if (echo && truncatedHmac != 0) throw new IllegalArgumentException("an echoed ADD_ADDR carries no HMAC");
        checkBits("reserved", reserved, RESERVED_MASK);
    }

    /** An announcement with its truncated HMAC; {@code port} is empty when the option carries no port. */
    public static AddAddr announce(int addressId, InetAddress address, OptionalInt port, long truncatedHmac) {
        return new AddAddr(false, addressId, address, port, truncatedHmac, 0);
    }

    /** The echo of an announcement, which repeats its address ID, address and port without HMAC. */
    public static AddAddr echo(int addressId, InetAddress address, OptionalInt port) {
        return new AddAddr(true, addressId, address, port, 0, 0);
    }

    /** Whether the address is IPv6 on the wire (16 bytes). */
    public boolean isIpv6() {
        return address instanceof Inet6Address;
    }

    @Override
    public int subtype() {
        return SUBTYPE_ADD_ADDR;
    }

    @Override
    public int encodedLength() {
        return BASE_LENGTH + addressLength(isIpv6()) + (port.isPresent() ? PORT_LENGTH : 0) + (echo ? 0 : HMAC_LENGTH);
    }

    @Override
    public void encode(ByteBuffer dst) {
        putHeader(dst, encodedLength(), SUBTYPE_ADD_ADDR, reserved | (echo ? FLAG_ECHO : 0));
        dst.put((byte) addressId).put(address.getAddress());
        if (port.isPresent()) putU16(dst, port.getAsInt());
        if (!echo) putU64(dst, truncatedHmac);
    }

    static AddAddr decode(ByteBuffer b, int start, int length) throws MalformedPacketException {
        int subtypeByte = u8(b, start + 2);
        boolean echo = (subtypeByte & FLAG_ECHO) != 0;
        int withoutHmac = length - (echo ? 0 : HMAC_LENGTH);
        boolean ipv6;
        boolean hasPort;
        if (withoutHmac == BASE_LENGTH + 4 || withoutHmac == BASE_LENGTH + 4 + PORT_LENGTH) {
            ipv6 = false;
            hasPort = withoutHmac == BASE_LENGTH + 4 + PORT_LENGTH;
        } else if (withoutHmac == BASE_LENGTH + 16 || withoutHmac == BASE_LENGTH + 16 + PORT_LENGTH) {
            ipv6 = true;
            hasPort = withoutHmac == BASE_LENGTH + 16 + PORT_LENGTH;
        } else {
            throw MptcpOptions.badLength(echo ? "echoed ADD_ADDR" : "ADD_ADDR", length);
        }
        byte[] raw = new byte[addressLength(ipv6)];
        b.get(start + BASE_LENGTH, raw);
        int at = start + BASE_LENGTH + raw.length;
        OptionalInt port = hasPort ? OptionalInt.of(u16(b, at)) : OptionalInt.empty();
        long hmac = echo ? 0 : u64(b, at + (hasPort ? PORT_LENGTH : 0));
        return new AddAddr(echo, u8(b, start + 3), toInetAddress(raw), port, hmac, subtypeByte & RESERVED_MASK);
    }

    private static int addressLength(boolean ipv6) {
        return ipv6 ? 16 : 4;
    }

    /** Keeps the wire family: {@link InetAddress#getByAddress(byte[])} would turn IPv4-mapped IPv6 into IPv4. */
    private static InetAddress toInetAddress(byte[] raw) {
        try {
            return raw.length == 4 ? InetAddress.getByAddress(raw) : Inet6Address.getByAddress(null, raw, -1);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes are always an address", e);
        }
    }
}
