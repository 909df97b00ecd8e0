package io.mptcp4j.core.wire;

import static io.mptcp4j.core.wire.MptcpOptionAssertions.assertEncodes;
import static io.mptcp4j.core.wire.MptcpOptionAssertions.assertRoundTrip;
import static io.mptcp4j.core.wire.MptcpOptionAssertions.option;
import static io.mptcp4j.core.wire.MptcpOptionAssertions.rejectReason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.mptcp4j.core.wire.MalformedPacketException.Reason;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class RemoveAddrTest {

    @Test
    void linuxRemovesOneId() throws Exception {
        assertEncodes(RemoveAddr.of(3), "1e 04 40 03");
    }

    @Test
    void severalIdsKeepTheirOrderAndDuplicates() throws Exception {
        assertEncodes(RemoveAddr.of(1, 255, 0, 1), "1e 07 40 01 ff 00 01");
    }

    @Test
    void everyCountFromOneToTheMaximumRoundTrips() throws Exception {
        for (int count = 1; count <= RemoveAddr.MAX_IDS; count++) {
            byte[] wire = option(3 + count, 0x40 | (count & 0x0F), 0);
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                wire[3 + i] = (byte) (i * 7);
                ids.add(i * 7 & 0xFF);
            }
            RemoveAddr removeAddr = (RemoveAddr) assertRoundTrip(wire);
            assertThat(removeAddr.addressIds()).isEqualTo(ids);
            assertThat(removeAddr.reserved()).isEqualTo(count & 0x0F);
        }
    }

    @Test
    void noIdIsRefused() {
        assertThat(rejectReason(option(3, 0x40, 0))).isEqualTo(Reason.BAD_OPTION_LENGTH);
    }

    @Test
    void constructorChecksIds() {
        assertThatIllegalArgumentException().isThrownBy(() -> RemoveAddr.of());
        assertThatIllegalArgumentException().isThrownBy(() -> RemoveAddr.of(256));
        assertThatIllegalArgumentException().isThrownBy(() -> new RemoveAddr(List.of(1), 0x10));
        assertThatIllegalArgumentException().isThrownBy(() -> new RemoveAddr(Collections.nCopies(253, 1)));
    }
}
