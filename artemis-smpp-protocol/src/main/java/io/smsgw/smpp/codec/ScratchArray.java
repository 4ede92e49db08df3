package io.smsgw.smpp.codec;

/**
 * A per-thread byte array for PDUs that go to or come from buffers without a backing array (pooled direct
 * buffers, which is what the gateway's sockets use): the decoder copies such a frame here and reads it, the
 * encoder fills it and copies it out. That saves a PDU-sized allocation per PDU on the event loops. Safe
 * because neither keeps the array past its call: every decoded field is copied out of it, and encoding
 * finishes by copying it into the buffer. PDUs larger than the array use one of their own.
 */
final class ScratchArray {

    /** Covers every PDU but those with a large message_payload. */
    static final int LENGTH = 2048;

    private static final ThreadLocal<byte[]> ARRAY = ThreadLocal.withInitial(() -> new byte[LENGTH]);

    private ScratchArray() {
    }

    /** This thread's array if {@code length} fits in it, otherwise a new array of {@code length}. */
    static byte[] forLength(int length) {
        return length <= LENGTH ? ARRAY.get() : new byte[length];
    }
}
