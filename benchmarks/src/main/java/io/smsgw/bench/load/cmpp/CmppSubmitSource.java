package io.smsgw.bench.load.cmpp;

import io.smsgw.bench.load.MessageKind;
import io.smsgw.bench.load.MessageMix;
import io.smsgw.cmpp.codec.Submit;
import io.smsgw.core.concat.ConcatReference;
import io.smsgw.core.concat.Segment;
import io.smsgw.core.concat.SmsSplitter;
import io.smsgw.core.text.SmsEncoding;
import io.smsgw.core.text.SmsText;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The CMPP_SUBMIT sequence of one SP connection, following the same mix as SMPP: {@code gsm7} is a short
 * ASCII text (Msg_Fmt 0, 159 octets, the most the gateway takes), {@code ucs2} the 70-character UCS2 text
 * (Msg_Fmt 8, 140 octets) and {@code long3} a UCS2 text of three segments with a concatenation UDH
 * (TP_udhi 1, Pk_total 3) and a rotating 8-bit reference. Contents are prepared once and shared.
 * Single-threaded.
 */
final class CmppSubmitSource {

    static final int MSG_FMT_ASCII = 0;
    static final int MSG_FMT_UCS2 = 8;
    static final String DESTINATION = "13800138000";
    static final String SERVICE_ID = "BENCH";
    private static final int MAX_ASCII_OCTETS = 159;
    private static final int REFERENCES = 256;
    /** 180 UCS2 characters: three segments of at most 67 characters behind a 6-octet UDH. */
    private static final String LONG_UCS2_TEXT = repeat("长短信基准测试，三段 UCS2 内容。", 180);

    /** kind → [reference][segment] Msg_Content; single-segment kinds have one reference. */
    private static final Map<MessageKind, byte[][][]> CONTENTS = prepare();

    private final MessageMix.Cursor cursor;
    private final String spId;
    private final String sourceId;
    private final int registeredDelivery;
    private final List<String> destinations = List.of(DESTINATION);
    private byte[][] currentSegments;
    private int segmentIndex;
    private int reference;
    private int msgFmt;

    /**
     * @param spId     the SP's id, sent as Msg_src (the gateway requires it to be the connected account)
     * @param sourceId Src_Id, within the account's source prefixes
     */
    CmppSubmitSource(MessageMix mix, boolean receipts, String spId, String sourceId) {
        this.cursor = mix.cursor();
        this.spId = spId;
        this.sourceId = sourceId;
        this.registeredDelivery = receipts ? 1 : 0;
    }

    /** The next CMPP_SUBMIT, numbered {@code sequence}. */
    Submit next(int sequence) {
        if (currentSegments == null || segmentIndex == currentSegments.length) {
            MessageKind kind = cursor.next();
            byte[][][] byReference = CONTENTS.get(kind);
            currentSegments = byReference[byReference.length == 1 ? 0 : reference++ & (REFERENCES - 1)];
            segmentIndex = 0;
            msgFmt = kind == MessageKind.GSM7 ? MSG_FMT_ASCII : MSG_FMT_UCS2;
        }
        int total = currentSegments.length;
        int number = ++segmentIndex;
        // Free message (FeeType 01), no validity or schedule time: the gateway's defaults apply.
        return new Submit(sequence, 0L, total, number, registeredDelivery, 1, SERVICE_ID, 0, "", 0, 0,
                total > 1 ? 1 : 0, msgFmt, spId, "01", "000000", "", "", sourceId, destinations, 0,
                currentSegments[number - 1], "", "");
    }

    /** Octets of Msg_Content per segment of {@code kind}, for tests. */
    static int[] segmentLengths(MessageKind kind) {
        byte[][] segments = CONTENTS.get(kind)[0];
        int[] lengths = new int[segments.length];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = segments[i].length;
        }
        return lengths;
    }

    private static Map<MessageKind, byte[][][]> prepare() {
        Map<MessageKind, byte[][][]> contents = new EnumMap<>(MessageKind.class);
        String ascii = MessageKind.GSM7.text().substring(0, Math.min(MAX_ASCII_OCTETS, MessageKind.GSM7.text().length()));
        contents.put(MessageKind.GSM7, new byte[][][] {{ascii.getBytes(StandardCharsets.US_ASCII)}});
        contents.put(MessageKind.UCS2, new byte[][][] {{SmsText.encode(MessageKind.UCS2.text(), SmsEncoding.UCS2)}});
        byte[][][] long3 = new byte[REFERENCES][][];
        for (int r = 0; r < REFERENCES; r++) {
            List<Segment> parts = SmsSplitter.split(LONG_UCS2_TEXT, SmsEncoding.UCS2, ConcatReference.eightBit(r));
            long3[r] = new byte[parts.size()][];
            for (int i = 0; i < parts.size(); i++) {
                long3[r][i] = parts.get(i).shortMessage();
            }
        }
        contents.put(MessageKind.LONG3, long3);
        return contents;
    }

    private static String repeat(String unit, int length) {
        StringBuilder out = new StringBuilder(length + unit.length());
        while (out.length() < length) {
            out.append(unit);
        }
        return out.substring(0, length);
    }
}
