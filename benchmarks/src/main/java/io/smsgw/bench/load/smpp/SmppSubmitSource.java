package io.smsgw.bench.load.smpp;

import io.smsgw.bench.load.MessageKind;
import io.smsgw.bench.load.MessageMix;
import io.smsgw.smpp.codec.Address;
import io.smsgw.smpp.codec.ShortMessagePdu;
import io.smsgw.smpp.codec.SubmitSm;
import java.util.EnumMap;
import java.util.Map;

/**
 * The submit_sm sequence of one connection: message kinds in mix order, long messages as consecutive
 * segments with a rotating 8-bit concatenation reference. Segment bytes are prepared once and shared, so
 * a submit costs one record. Single-threaded.
 */
final class SmppSubmitSource {

    static final Address SOURCE = Address.of(1, 1, "8610086");
    static final Address DESTINATION = Address.of(1, 1, "8613800138000");
    private static final int ESM_CLASS_UDHI = 0x40;
    private static final int REFERENCES = 256;

    /** kind → [reference][segment] short_message; single-segment kinds have one reference. */
    private static final Map<MessageKind, byte[][][]> SEGMENTS = prepare();

    private final MessageMix.Cursor cursor;
    private final ShortMessagePdu.Builder builder;
    private byte[][] currentSegments;
    private int segmentIndex;
    private int reference;
    private MessageKind currentKind;

    SmppSubmitSource(MessageMix mix, boolean receipts) {
        this.cursor = mix.cursor();
        this.builder = ShortMessagePdu.builder().sourceAddr(SOURCE).destinationAddr(DESTINATION)
                .registeredDelivery(receipts ? 1 : 0);
    }

    /** The next submit_sm, numbered {@code sequence}. */
    SubmitSm next(int sequence) {
        if (currentSegments == null || segmentIndex == currentSegments.length) {
            currentKind = cursor.next();
            byte[][][] byReference = SEGMENTS.get(currentKind);
            currentSegments = byReference[byReference.length == 1 ? 0 : reference++ & (REFERENCES - 1)];
            segmentIndex = 0;
            builder.dataCoding(currentKind.encoding().smppDataCoding())
                    .esmClass(currentSegments.length > 1 ? ESM_CLASS_UDHI : 0);
        }
        return builder.sequenceNumber(sequence).shortMessage(currentSegments[segmentIndex++]).buildSubmitSm();
    }

    private static Map<MessageKind, byte[][][]> prepare() {
        Map<MessageKind, byte[][][]> segments = new EnumMap<>(MessageKind.class);
        for (MessageKind kind : MessageKind.values()) {
            int references = kind.segments() == 1 ? 1 : REFERENCES;
            byte[][][] byReference = new byte[references][][];
            for (int r = 0; r < references; r++) {
                byReference[r] = kind.shortMessages(r);
            }
            segments.put(kind, byReference);
        }
        return segments;
    }
}
