package io.mptcp4j.sim;

import java.nio.ByteBuffer;

/**
 * A middlebox on a {@link SimLink}: sees every packet offered to the link and decides what goes on the wire
 * instead — the same packet, a rewritten one (options stripped, payload changed, checksums recomputed), or
 * nothing. Installed with {@link SimLink#mutator(PacketMutator)}.
 */
@FunctionalInterface
public interface PacketMutator {

    /**
     * @param packet the IP packet between position and limit; the mutator may read and change it in place, but
     *               not keep it
     * @return the packet to send (this one or another), or null to drop it ({@link DropReason#FILTERED})
     */
    ByteBuffer mutate(ByteBuffer packet);
}
