package io.smsgw.cmpp.codec;

/**
 * Unwinds the body decoder on the first malformed field; turned into a {@link MalformedCmppPdu}
 * before it leaves the codec. Stack traces are not filled in: this is a data error, not a bug.
 */
final class MalformedCmppPduException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final MalformedCmppPdu.Kind kind;

    MalformedCmppPduException(String reason) {
        this(reason, MalformedCmppPdu.Kind.TRUNCATED);
    }

    MalformedCmppPduException(String reason, MalformedCmppPdu.Kind kind) {
        super(reason, null, false, false);
        this.kind = kind;
    }

    MalformedCmppPdu.Kind kind() {
        return kind;
    }
}
