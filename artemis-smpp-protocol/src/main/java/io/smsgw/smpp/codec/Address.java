package io.smsgw.smpp.codec;

import java.util.Objects;

/**
 * An SMPP address triple: type of number, numbering plan indicator and the address digits/text.
 * A {@code null} address text is normalised to the empty string.
 */
public record Address(byte ton, byte npi, String address) {

    /** TON 0, NPI 0, empty address: what "no address" looks like on the wire. */
    public static final Address EMPTY = new Address((byte) 0, (byte) 0, "");

    public Address {
        address = Objects.requireNonNullElse(address, "");
    }

    /** Convenience for int literals: {@code Address.of(1, 1, "8613800138000")}. */
    public static Address of(int ton, int npi, String address) {
        return new Address((byte) ton, (byte) npi, address);
    }
}
