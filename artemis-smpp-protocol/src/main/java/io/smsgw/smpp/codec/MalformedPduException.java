package io.smsgw.smpp.codec;

/**
 * Unwinds the body decoder on the first malformed field; turned into a {@link MalformedPdu}
 * before it leaves the codec. Stack traces are not filled in: this is a data error, not a bug.
 */
final class MalformedPduException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    MalformedPduException(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
