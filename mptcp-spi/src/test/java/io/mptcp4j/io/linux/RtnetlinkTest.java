package io.mptcp4j.io.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The rtnetlink parser over hand-made datagrams: what it finds, and that damage never throws. */
class RtnetlinkTest {

    /** Everything the handler was told, as text. */
    private static final class Recorder implements Rtnetlink.Handler {
        final List<String> seen = new ArrayList<>();

        @Override
        public void link(Rtnetlink.Header header, Rtnetlink.Link link) {
            seen.add("link " + link.index() + " 0x" + Integer.toHexString(link.flags()) + " " + link.name()
                    + (link.removed() ? " removed" : "") + " seq " + header.sequence());
        }

        @Override
        public void address(Rtnetlink.Header header, Rtnetlink.Address address) {
            seen.add("address " + address.address().getHostAddress() + "/" + address.prefixLength() + " on "
                    + address.index() + " flags 0x" + Integer.toHexString(address.flags())
                    + (address.removed() ? " removed" : ""));
        }

        @Override
        public void done(Rtnetlink.Header header) {
            seen.add("done seq " + header.sequence() + " pid " + header.portId());
        }

        @Override
        public void error(Rtnetlink.Header header, int errno) {
            seen.add("error " + errno + " seq " + header.sequence());
        }
    }

    /** Builds netlink messages in host order, each padded to 4 bytes. */
    private static final class Datagram {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Datagram message(int type, int flags, int sequence, byte[] body) {
            ByteBuffer b = ByteBuffer.allocate(Rtnetlink.align(16 + body.length)).order(ByteOrder.nativeOrder());
            b.putInt(16 + body.length).putShort((short) type).putShort((short) flags).putInt(sequence).putInt(0);
            b.put(body);
            out.writeBytes(b.array());
            return this;
        }

        ByteBuffer buffer() {
            return ByteBuffer.wrap(out.toByteArray());
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    private static byte[] attribute(int type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(Rtnetlink.align(4 + payload.length)).order(ByteOrder.nativeOrder());
        b.putShort((short) (4 + payload.length)).putShort((short) type).put(payload);
        return b.array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] ifinfomsg(int index, int flags, byte[]... attributes) {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        b.put((byte) 0).put((byte) 0).putShort((short) 1).putInt(index).putInt(flags).putInt(0);
        return concat(b.array(), concat(attributes));
    }

    private static byte[] ifaddrmsg(int family, int prefix, int flags, int index, byte[]... attributes) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
        b.put((byte) family).put((byte) prefix).put((byte) flags).put((byte) 0).putInt(index);
        return concat(b.array(), concat(attributes));
    }

    private static byte[] int32(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
    }

    private static byte[] ip(String address) throws Exception {
        return InetAddress.getByName(address).getAddress();
    }

    private static Datagram sample() throws Exception {
        return new Datagram()
                .message(Rtnetlink.RTM_NEWLINK, Rtnetlink.NLM_F_MULTI, 7, ifinfomsg(3,
                        Rtnetlink.IFF_UP | Rtnetlink.IFF_RUNNING | Rtnetlink.IFF_LOWER_UP,
                        attribute(Rtnetlink.IFLA_IFNAME, "veth1\0".getBytes(StandardCharsets.US_ASCII)),
                        attribute(99, new byte[] {1, 2, 3})))
                .message(Rtnetlink.RTM_NEWADDR, 0, 0, ifaddrmsg(2, 24, 0x80, 3,
                        attribute(Rtnetlink.IFA_ADDRESS, ip("10.0.1.9")), // the peer on a point-to-point link
                        attribute(Rtnetlink.IFA_LOCAL, ip("10.0.1.1"))))
                .message(Rtnetlink.RTM_NEWADDR, 0, 0, ifaddrmsg(10, 64, 0, 3,
                        attribute(Rtnetlink.IFA_ADDRESS, ip("fd00:0:0:1::1")),
                        attribute(Rtnetlink.IFA_FLAGS, int32(Rtnetlink.IFA_F_TENTATIVE | 0x200))))
                .message(Rtnetlink.RTM_DELADDR, 0, 0, ifaddrmsg(2, 24, 0, 3,
                        attribute(Rtnetlink.IFA_LOCAL, ip("10.0.1.77"))))
                .message(Rtnetlink.RTM_DELLINK, 0, 0, ifinfomsg(4, 0))
                .message(Rtnetlink.NLMSG_NOOP, 0, 0, new byte[0])
                .message(Rtnetlink.NLMSG_ERROR, 0, 8, concat(int32(0), new byte[16])) // an ACK: not reported
                .message(Rtnetlink.NLMSG_ERROR, 0, 9, concat(int32(-16), new byte[16]))
                .message(Rtnetlink.NLMSG_DONE, Rtnetlink.NLM_F_MULTI, 7, int32(0));
    }

    @Test
    void linksAddressesDoneAndErrorsAreFoundInOrder() throws Exception {
        Recorder r = new Recorder();
        ByteBuffer datagram = sample().buffer();
        assertThat(Rtnetlink.parse(datagram, r)).isTrue();
        assertThat(r.seen).containsExactly(
                "link 3 0x10041 veth1 seq 7",
                "address 10.0.1.1/24 on 3 flags 0x80",
                "address fd00:0:0:1:0:0:0:1/64 on 3 flags 0x240",
                "address 10.0.1.77/24 on 3 flags 0x0 removed",
                "link 4 0x0 null removed seq 0",
                "error 16 seq 9",
                "done seq 7 pid 0");
        assertThat(datagram.position()).isZero();
        assertThat(datagram.limit()).isEqualTo(datagram.capacity());
    }

    @Test
    void otherFamiliesAndAddressesOfTheWrongLengthAreSkipped() throws Exception {
        Recorder r = new Recorder();
        ByteBuffer datagram = new Datagram()
                .message(Rtnetlink.RTM_NEWADDR, 0, 0, ifaddrmsg(17, 0, 0, 3, attribute(Rtnetlink.IFA_ADDRESS,
                        new byte[6])))
                .message(Rtnetlink.RTM_NEWADDR, 0, 0, ifaddrmsg(2, 24, 0, 3, attribute(Rtnetlink.IFA_LOCAL,
                        new byte[16])))
                .message(Rtnetlink.RTM_NEWADDR, 0, 0, ifaddrmsg(10, 64, 0, 3))
                .buffer();
        assertThat(Rtnetlink.parse(datagram, r)).isTrue();
        assertThat(r.seen).isEmpty();
    }

    @Test
    void theDumpRequestIsAHeaderAndAZeroedBody() {
        ByteBuffer link = Rtnetlink.dumpRequest(Rtnetlink.RTM_GETLINK, 42);
        assertThat(link.remaining()).isEqualTo(32);
        assertThat(link.getInt(0)).isEqualTo(32);
        assertThat(link.getShort(4)).isEqualTo((short) Rtnetlink.RTM_GETLINK);
        assertThat(link.getShort(6)).isEqualTo((short) 0x301);
        assertThat(link.getInt(8)).isEqualTo(42);
        ByteBuffer address = Rtnetlink.dumpRequest(Rtnetlink.RTM_GETADDR, 43);
        assertThat(address.remaining()).isEqualTo(24);
        assertThat(address.getShort(4)).isEqualTo((short) Rtnetlink.RTM_GETADDR);
    }

    @Test
    void badLengthsStopTheParseAfterWhatWasWellFormed() throws Exception {
        byte[] good = sample().bytes();
        int firstLength = Rtnetlink.align(ByteBuffer.wrap(good).order(ByteOrder.nativeOrder()).getInt(0));

        for (int badLength : new int[] {0, 15, -1, good.length + 1, Integer.MAX_VALUE}) {
            byte[] damaged = good.clone();
            ByteBuffer.wrap(damaged).order(ByteOrder.nativeOrder()).putInt(firstLength, badLength);
            Recorder r = new Recorder();
            assertThat(Rtnetlink.parse(ByteBuffer.wrap(damaged), r)).as("length %d", badLength).isFalse();
            assertThat(r.seen).as("only the first message").hasSize(1);
        }

        // An attribute claiming more than its message holds.
        byte[] damaged = good.clone();
        ByteBuffer.wrap(damaged).order(ByteOrder.nativeOrder()).putShort(16 + 16, (short) 4000);
        Recorder r = new Recorder();
        assertThat(Rtnetlink.parse(ByteBuffer.wrap(damaged), r)).isFalse();
        assertThat(r.seen).isEmpty();

        // A link message too short for its ifinfomsg.
        r = new Recorder();
        assertThat(Rtnetlink.parse(new Datagram().message(Rtnetlink.RTM_NEWLINK, 0, 0, new byte[8]).buffer(), r))
                .isFalse();
        assertThat(r.seen).isEmpty();
    }

    @Test
    void everyTruncationAndRandomGarbageParseWithoutThrowing() throws Exception {
        byte[] good = sample().bytes();
        for (int length = 0; length <= good.length; length++) {
            ByteBuffer prefix = ByteBuffer.wrap(good, 0, length).slice();
            assertThatCode(() -> Rtnetlink.parse(prefix, new Recorder())).doesNotThrowAnyException();
        }
        SplittableRandom random = new SplittableRandom(2024);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = good.clone();
            int flips = 1 + random.nextInt(8);
            for (int f = 0; f < flips; f++) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            byte[] garbage = new byte[random.nextInt(200)];
            random.nextBytes(garbage);
            assertThatCode(() -> {
                Rtnetlink.parse(ByteBuffer.wrap(bytes), new Recorder());
                Rtnetlink.parse(ByteBuffer.wrap(garbage), new Recorder());
            }).doesNotThrowAnyException();
        }
    }

    @Test
    void aWindowOfALargerBufferIsParsedFromItsPosition() throws Exception {
        byte[] good = sample().bytes();
        ByteBuffer b = ByteBuffer.allocate(good.length + 20);
        b.position(10);
        b.put(good);
        b.position(10).limit(10 + good.length);
        Recorder r = new Recorder();
        assertThat(Rtnetlink.parse(b, r)).isTrue();
        assertThat(r.seen).hasSize(7);
    }
}
