package io.smsgw.smpp.codec;

import java.util.List;
import java.util.Objects;

/** Null normalisation shared by the PDU records' compact constructors, and password masking for their toString(). */
final class Fields {

    static final byte[] NO_BYTES = new byte[0];

    private Fields() {
    }

    static String str(String value) {
        return value == null ? "" : value;
    }

    /** A password for toString(): "***" whatever its length, empty only when none was given. */
    static String masked(String password) {
        return password.isEmpty() ? "" : "***";
    }

    static Tlvs tlvs(Tlvs value) {
        return value == null ? Tlvs.EMPTY : value;
    }

    static byte[] bytes(byte[] value) {
        return value == null ? NO_BYTES : value;
    }

    static Address address(Address value) {
        return value == null ? Address.EMPTY : value;
    }

    static <T> List<T> list(List<T> value) {
        return value == null ? List.of() : List.copyOf(value);
    }

    static BindType bindType(BindType value) {
        return Objects.requireNonNull(value, "bindType");
    }
}
