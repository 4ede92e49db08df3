package io.smsgw.smpp.codec;

/**
 * A PDU field the codec cannot write (too long, not Latin-1, out of range), named as the SMPP specification names
 * it, so that a caller can answer as a peer would refuse that field.
 */
public final class UnencodableFieldException extends IllegalArgumentException {

    private final String field;

    UnencodableFieldException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The field's name in the specification, for example {@code destination_addr} or {@code short_message}. */
    public String field() {
        return field;
    }
}
