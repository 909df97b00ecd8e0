/**
 * Wire formats: IPv4/IPv6 headers as a raw socket delivers them, the TCP header and options, every MPTCP v1
 * suboption of RFC 8684 section 3, the Internet and DSS checksums, and the MPTCP key/token/IDSN/HMAC crypto.
 *
 * <p>Conventions shared by every codec here:
 * <ul>
 *   <li>{@code parse(ByteBuffer)} reads the bytes between the buffer's position and limit, never moves the
 *       position, and throws only {@link io.mptcp4j.core.wire.MalformedPacketException}.</li>
 *   <li>{@code encode(ByteBuffer)} writes at the position and advances it; {@code encodedLength()} says how
 *       many bytes that is.</li>
 *   <li>Values are immutable records; multi-byte fields are big-endian (network order) whatever the buffer's
 *       byte order.</li>
 * </ul>
 */
package io.mptcp4j.core.wire;
