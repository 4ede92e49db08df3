package io.smsgw.cmpp.codec;

/** Lower-case hex rendering for toString() of byte-carrying records. */
final class Hex {

    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {
    }

    static String of(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = DIGITS[(bytes[i] >> 4) & 0xF];
            out[2 * i + 1] = DIGITS[bytes[i] & 0xF];
        }
        return new String(out);
    }

    static String msgId(long msgId) {
        String digits = Long.toHexString(msgId);
        return "0".repeat(16 - digits.length()) + digits;
    }
}
