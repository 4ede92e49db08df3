package io.smsgw.smpp.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One SMPP optional parameter: a 16-bit tag and its raw value (at most 65535 bytes).
 *
 * <p>The value array is owned by the record and must not be modified after construction (it is
 * not copied, to keep the decoder allocation-free beyond the array itself). Equality compares
 * the value's content.
 */
public record Tlv(short tag, byte[] value) {

    /** Largest value a TLV can carry (its length field is 16-bit). */
    public static final int MAX_VALUE_LENGTH = 0xFFFF;

    private static final byte[] NO_BYTES = new byte[0];

    public Tlv {
        Objects.requireNonNull(value, "value");
        if (value.length > MAX_VALUE_LENGTH) {
            throw new IllegalArgumentException("TLV " + TlvTag.toHex(tag) + " value too long: " + value.length);
        }
    }

    /** A one-byte value (0..255). */
    public static Tlv ofU8(short tag, int value) {
        checkRange(tag, value, 0xFF);
        return new Tlv(tag, new byte[] {(byte) value});
    }

    /** A two-byte big-endian value (0..65535). */
    public static Tlv ofU16(short tag, int value) {
        checkRange(tag, value, 0xFFFF);
        return new Tlv(tag, new byte[] {(byte) (value >>> 8), (byte) value});
    }

    /** A four-byte big-endian value. */
    public static Tlv ofU32(short tag, int value) {
        return new Tlv(tag,
                new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
    }

    /**
     * A C-Octet String value: the Latin-1 bytes of {@code text} followed by NUL.
     *
     * @throws IllegalArgumentException if {@code text} holds NUL or a character above U+00FF
     */
    public static Tlv ofCString(short tag, String text) {
        byte[] value = new byte[text.length() + 1];
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0 || c > 0xFF) {
                throw new IllegalArgumentException("TLV " + TlvTag.toHex(tag) + " text is not NUL-free Latin-1");
            }
            value[i] = (byte) c;
        }
        return new Tlv(tag, value);
    }

    /** A value without content (e.g. alert_on_message_delivery). */
    public static Tlv empty(short tag) {
        return new Tlv(tag, NO_BYTES);
    }

    /** Value length in bytes. */
    public int length() {
        return value.length;
    }

    /** The value as an unsigned byte, or -1 if it is not exactly one byte long. */
    public int asU8() {
        return value.length == 1 ? value[0] & 0xFF : -1;
    }

    /** The value as an unsigned big-endian 16-bit integer, or -1 if it is not exactly two bytes. */
    public int asU16() {
        return value.length == 2 ? (value[0] & 0xFF) << 8 | value[1] & 0xFF : -1;
    }

    /**
     * The value read as a C-Octet String (Latin-1): the bytes up to the first NUL, or the whole
     * value when a sender omitted the terminator.
     */
    public String asCString() {
        int end = 0;
        while (end < value.length && value[end] != 0) {
            end++;
        }
        return end == 0 ? "" : new String(value, 0, end, StandardCharsets.ISO_8859_1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tlv other && tag == other.tag && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return 31 * tag + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Tlv[" + TlvTag.toHex(tag) + "=" + Hex.of(value) + "]";
    }

    private static void checkRange(short tag, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException("TLV " + TlvTag.toHex(tag) + " value out of range: " + value);
        }
    }
}
