package io.mptcp4j.io.linux;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The rtnetlink messages {@link LinkMonitor} needs: dump requests out, link and address messages in. Pure Java
 * over byte buffers (no native calls), so it is tested with hand-made bytes.
 *
 * <p>Layouts are those of netlink(7) and rtnetlink(7), in host byte order (little-endian here): every message
 * starts with a 16-byte {@code struct nlmsghdr} and is padded to 4 bytes ({@code NLMSG_ALIGN}); link messages
 * carry a {@code struct ifinfomsg}, address messages a {@code struct ifaddrmsg}, each followed by
 * {@code struct rtattr} attributes, also 4-byte aligned ({@code RTA_ALIGN}).
 *
 * <p>Parsing is defensive: a length that does not fit (a message shorter than its header or longer than what is
 * left of the datagram, a body shorter than its fixed part, an attribute running past its message) ends the
 * parse of that datagram, which is then reported as malformed; unknown message types and attributes are
 * skipped; nothing throws.
 */
final class Rtnetlink {

    // netlink(7): message types, flags
    static final int NLMSG_NOOP = 1;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLMSG_OVERRUN = 4;
    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_MULTI = 0x2;
    static final int NLM_F_DUMP_INTR = 0x10;
    static final int NLM_F_DUMP = 0x300; // NLM_F_ROOT | NLM_F_MATCH

    // rtnetlink(7): message types
    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    static final int RTM_GETLINK = 18;
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int RTM_GETADDR = 22;

    // netdevice(7) interface flags (ifi_flags)
    static final int IFF_UP = 0x1;
    static final int IFF_LOOPBACK = 0x8;
    static final int IFF_RUNNING = 0x40;
    static final int IFF_LOWER_UP = 0x10000;

    // linux/if_link.h, linux/if_addr.h: attributes and address flags
    static final int IFLA_IFNAME = 3;
    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;
    static final int IFA_FLAGS = 8;
    static final int IFA_F_OPTIMISTIC = 0x04;
    static final int IFA_F_DADFAILED = 0x08;
    static final int IFA_F_TENTATIVE = 0x40;

    static final int HEADER_LENGTH = 16;       // struct nlmsghdr
    static final int IFINFOMSG_LENGTH = 16;    // struct ifinfomsg
    static final int IFADDRMSG_LENGTH = 8;     // struct ifaddrmsg
    private static final int RTATTR_HEADER = 4; // struct rtattr: rta_len, rta_type
    private static final int NLA_TYPE_MASK = 0x3fff; // without NLA_F_NESTED and NLA_F_NET_BYTEORDER
    private static final int NLMSGERR_LENGTH = 4; // struct nlmsgerr starts with int error

    private Rtnetlink() {
    }

    /** The fixed part of every message. */
    record Header(int length, int type, int flags, int sequence, int portId) {
    }

    /**
     * An {@code RTM_NEWLINK} or {@code RTM_DELLINK}: interface {@code index} with its {@code IFF_*} flags and
     * name (null if the message had none).
     */
    record Link(int index, int flags, String name, boolean removed) {
    }

    /**
     * An {@code RTM_NEWADDR} or {@code RTM_DELADDR}: {@code address} on interface {@code index}, with its
     * {@code IFA_F_*} flags (the 32-bit {@code IFA_FLAGS} attribute when present, else {@code ifa_flags}).
     */
    record Address(int index, InetAddress address, int prefixLength, int flags, boolean removed) {
    }

    /** What a parse finds, message by message, in the order of the datagram. */
    interface Handler {
        /** A link message. */
        void link(Header header, Link link);

        /** An address message of family AF_INET or AF_INET6 with a local address. */
        void address(Header header, Address address);

        /** {@code NLMSG_DONE}: the end of the dump whose sequence number the header carries. */
        void done(Header header);

        /** {@code NLMSG_ERROR} with a non-zero error ({@code errno} is positive). */
        void error(Header header, int errno);
    }

    /**
     * A dump request ({@code NLM_F_REQUEST | NLM_F_DUMP}) for {@code type} ({@link #RTM_GETLINK} or
     * {@link #RTM_GETADDR}) of every family, with a zeroed {@code ifinfomsg}/{@code ifaddrmsg} body (which the
     * kernel accepts with and without strict checking), addressed by sequence number {@code sequence}.
     */
    static ByteBuffer dumpRequest(int type, int sequence) {
        int body = type == RTM_GETLINK ? IFINFOMSG_LENGTH : IFADDRMSG_LENGTH;
        ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH + body).order(ByteOrder.nativeOrder());
        b.putInt(0, HEADER_LENGTH + body);
        b.putShort(4, (short) type);
        b.putShort(6, (short) (NLM_F_REQUEST | NLM_F_DUMP));
        b.putInt(8, sequence);
        b.putInt(12, 0); // nlmsg_pid: the kernel fills in the sender's port
        return b; // family AF_UNSPEC (0): all families
    }

    /**
     * Parses the netlink messages between {@code datagram}'s position and limit (position and limit are left as
     * they are) and hands each to {@code handler}. Returns true if the datagram was well-formed to its end,
     * false if a bad length stopped the parse (messages before it were handled).
     */
    static boolean parse(ByteBuffer datagram, Handler handler) {
        ByteBuffer b = datagram.duplicate().order(ByteOrder.nativeOrder());
        int at = b.position();
        int end = b.limit();
        while (end - at >= HEADER_LENGTH) {
            int length = b.getInt(at);
            if (length < HEADER_LENGTH || length > end - at) {
                return false;
            }
            Header header = new Header(length, b.getShort(at + 4) & 0xffff, b.getShort(at + 6) & 0xffff,
                    b.getInt(at + 8), b.getInt(at + 12));
            if (!parseMessage(b, at, header, handler)) {
                return false;
            }
            int next = at + align(length);
            if (next <= at) {
                return false;
            }
            at = next;
        }
        // Trailing bytes shorter than a header (other than the alignment padding of the last message) are damage.
        return at >= end || end - at < 4 && allZero(b, at, end);
    }

    private static boolean parseMessage(ByteBuffer b, int at, Header header, Handler handler) {
        int body = at + HEADER_LENGTH;
        int end = at + header.length();
        switch (header.type()) {
            case NLMSG_DONE -> handler.done(header);
            case NLMSG_ERROR -> {
                if (end - body < NLMSGERR_LENGTH) {
                    return false;
                }
                int error = b.getInt(body);
                if (error != 0) {
                    handler.error(header, error == Integer.MIN_VALUE ? Integer.MAX_VALUE : -error);
                }
            }
            case NLMSG_OVERRUN -> handler.error(header, Errno.ENOBUFS);
            case RTM_NEWLINK, RTM_DELLINK -> {
                return parseLink(b, body, end, header, handler);
            }
            case RTM_NEWADDR, RTM_DELADDR -> {
                return parseAddress(b, body, end, header, handler);
            }
            default -> {
                // NLMSG_NOOP and types this class does not know: skipped
            }
        }
        return true;
    }

    private static boolean parseLink(ByteBuffer b, int body, int end, Header header, Handler handler) {
        if (end - body < IFINFOMSG_LENGTH) {
            return false;
        }
        int index = b.getInt(body + 4);
        int flags = b.getInt(body + 8);
        String name = null;
        int at = body + IFINFOMSG_LENGTH;
        while (end - at >= RTATTR_HEADER) {
            int length = b.getShort(at) & 0xffff;
            int type = b.getShort(at + 2) & NLA_TYPE_MASK;
            if (length < RTATTR_HEADER || length > end - at) {
                return false;
            }
            if (type == IFLA_IFNAME) {
                name = cString(b, at + RTATTR_HEADER, length - RTATTR_HEADER);
            }
            at += align(length);
        }
        handler.link(header, new Link(index, flags, name, header.type() == RTM_DELLINK));
        return true;
    }

    private static boolean parseAddress(ByteBuffer b, int body, int end, Header header, Handler handler) {
        if (end - body < IFADDRMSG_LENGTH) {
            return false;
        }
        int family = b.get(body) & 0xff;
        int prefixLength = b.get(body + 1) & 0xff;
        int flags = b.get(body + 2) & 0xff;
        int index = b.getInt(body + 4);
        int addressLength = family == LinuxConstants.AF_INET ? 4 : family == LinuxConstants.AF_INET6 ? 16 : -1;
        byte[] local = null;
        byte[] address = null;
        int at = body + IFADDRMSG_LENGTH;
        while (end - at >= RTATTR_HEADER) {
            int length = b.getShort(at) & 0xffff;
            int type = b.getShort(at + 2) & NLA_TYPE_MASK;
            if (length < RTATTR_HEADER || length > end - at) {
                return false;
            }
            int payload = length - RTATTR_HEADER;
            if ((type == IFA_LOCAL || type == IFA_ADDRESS) && payload == addressLength) {
                byte[] bytes = new byte[addressLength];
                b.get(at + RTATTR_HEADER, bytes);
                if (type == IFA_LOCAL) {
                    local = bytes;
                } else {
                    address = bytes;
                }
            } else if (type == IFA_FLAGS && payload >= 4) {
                flags = b.getInt(at + RTATTR_HEADER);
            }
            at += align(length);
        }
        // rtnetlink(7): IFA_LOCAL is the local address; IFA_ADDRESS is the peer's on point-to-point links and
        // the local one otherwise (IPv6 sends IFA_ADDRESS only).
        byte[] chosen = local != null ? local : address;
        if (addressLength < 0 || chosen == null) {
            return true; // another family, or no address: nothing to report
        }
        InetAddress inet;
        try {
            inet = InetAddress.getByAddress(chosen);
        } catch (UnknownHostException e) {
            return true; // unreachable: the length was checked
        }
        handler.address(header, new Address(index, inet, prefixLength, flags, header.type() == RTM_DELADDR));
        return true;
    }

    /** True for IPv6 link-local addresses, which need a scope to be used and are left out of the tables. */
    static boolean isLinkLocal(InetAddress address) {
        return address instanceof Inet6Address && address.isLinkLocalAddress();
    }

    static int align(int length) {
        return (length + 3) & ~3;
    }

    private static String cString(ByteBuffer b, int at, int maxLength) {
        int n = 0;
        while (n < maxLength && b.get(at + n) != 0) {
            n++;
        }
        byte[] bytes = new byte[n];
        b.get(at, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static boolean allZero(ByteBuffer b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b.get(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
