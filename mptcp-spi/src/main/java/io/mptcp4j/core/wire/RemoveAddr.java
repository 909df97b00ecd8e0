package io.mptcp4j.core.wire;

import static io.mptcp4j.core.wire.MptcpOptions.checkBits;
import static io.mptcp4j.core.wire.MptcpOptions.checkU8;
import static io.mptcp4j.core.wire.MptcpOptions.putHeader;
import static io.mptcp4j.core.wire.WireBytes.u8;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * REMOVE_ADDR, subtype 4 (RFC 8684 section 3.4.2): the sender withdraws one or more address IDs it announced.
 * Length 3 + n with n &ge; 1; an empty list is {@code BAD_OPTION_LENGTH}. The RFC sets no upper bound other than
 * the option length byte; Linux reads at most 8 IDs, a limit for the protocol layer to apply.
 *
 * @param addressIds the withdrawn address IDs, in wire order, duplicates kept
 * @param reserved the reserved low nibble of the subtype byte
 */
public record RemoveAddr(List<Integer> addressIds, int reserved) implements MptcpOption {

    /** The most IDs one option can hold: its length byte stops at 255. */
    public static final int MAX_IDS = 252;

    private static final int BASE_LENGTH = 3;

    public RemoveAddr {
        addressIds = List.copyOf(addressIds);
        if (addressIds.isEmpty() || addressIds.size() > MAX_IDS) {
            throw new IllegalArgumentException("REMOVE_ADDR carries 1 to 252 IDs, not " + addressIds.size());
        }
        addressIds.forEach(id -> checkU8("address ID", id));
        checkBits("reserved", reserved, 0x0F);
    }

    /** Withdraws {@code addressIds} with the reserved bits zero, as a sender writes it. */
    public RemoveAddr(List<Integer> addressIds) {
        this(addressIds, 0);
    }

    /** Withdraws the given address IDs. */
    public static RemoveAddr of(int... addressIds) {
        List<Integer> ids = new ArrayList<>(addressIds.length);
        for (int id : addressIds) ids.add(id);
        return new RemoveAddr(ids);
    }

    @Override
    public int subtype() {
        return SUBTYPE_REMOVE_ADDR;
    }

    @Override
    public int encodedLength() {
        return BASE_LENGTH + addressIds.size();
    }

    @Override
    public void encode(ByteBuffer dst) {
        putHeader(dst, encodedLength(), SUBTYPE_REMOVE_ADDR, reserved);
        for (int id : addressIds) dst.put((byte) id);
    }

    static RemoveAddr decode(ByteBuffer b, int start, int length) throws MalformedPacketException {
        if (length == BASE_LENGTH) throw MptcpOptions.badLength("REMOVE_ADDR without address ID", length);
        List<Integer> ids = new ArrayList<>(length - BASE_LENGTH);
        for (int at = start + BASE_LENGTH; at < start + length; at++) ids.add(u8(b, at));
        return new RemoveAddr(ids, u8(b, start + 2) & 0x0F);
    }
}
