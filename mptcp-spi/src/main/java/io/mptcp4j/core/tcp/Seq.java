package io.mptcp4j.core.tcp;

/**
 * Comparisons of 32-bit sequence numbers modulo 2^32 (RFC 9293 section 3.4), held as {@code int}: {@code a} is
 * before {@code b} when {@code a - b}, computed with wrap-around, is negative.
 */
final class Seq {

    private Seq() {
    }

    static boolean lt(int a, int b) {
        return a - b < 0;
    }

    static boolean le(int a, int b) {
        return a - b <= 0;
    }

    static boolean gt(int a, int b) {
        return a - b > 0;
    }

    static boolean ge(int a, int b) {
        return a - b >= 0;
    }

    /** The unsigned 32-bit value the wire codecs carry. */
    static long unsigned(int seq) {
        return seq & 0xFFFF_FFFFL;
    }
}
