package io.smsgw.bench.load;

import io.smsgw.core.concat.ConcatReference;
import io.smsgw.core.concat.Segment;
import io.smsgw.core.concat.SmsSplitter;
import io.smsgw.core.text.SmsEncoding;
import io.smsgw.core.text.SmsText;
import java.util.List;

/**
 * The messages of a load mix, each a fixed text so every run submits the same bytes: a full GSM 7-bit
 * SMS, a full UCS2 SMS, and a GSM 7-bit text long enough for three concatenated segments.
 */
public enum MessageKind {

    /** 160 GSM characters, data_coding 0 (unpacked, 160 octets). */
    GSM7(SmsEncoding.GSM7, repeat("Benchmark message from the load generator, plain GSM 7-bit text. ", 160)),
    /** 70 characters of Chinese and Latin text, data_coding 8 (140 octets). */
    UCS2(SmsEncoding.UCS2, repeat("基准测试消息 UCS2 短信内容，", 70)),
    /** 459 GSM characters sent as three submit_sm with a concatenation UDH (esm_class 0x40). */
    LONG3(SmsEncoding.GSM7, repeat("A long message that needs three segments to reach the handset. ", 459));

    private final SmsEncoding encoding;
    private final String text;
    private final int segments;

    MessageKind(SmsEncoding encoding, String text) {
        this.encoding = encoding;
        this.text = text;
        this.segments = SmsSplitter.split(text, encoding, ConcatReference.eightBit(0)).size();
    }

    public SmsEncoding encoding() {
        return encoding;
    }

    /** The full text of the message. */
    public String text() {
        return text;
    }

    /** How many submits one message of this kind takes. */
    public int segments() {
        return segments;
    }

    /**
     * The short_message of each segment, with a concatenation UDH carrying {@code reference} when there
     * are several.
     */
    public byte[][] shortMessages(int reference) {
        if (segments == 1) {
            return new byte[][] {SmsText.encode(text, encoding)};
        }
        List<Segment> parts = SmsSplitter.split(text, encoding, ConcatReference.eightBit(reference));
        byte[][] out = new byte[parts.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = parts.get(i).shortMessage();
        }
        return out;
    }

    private static String repeat(String unit, int length) {
        StringBuilder out = new StringBuilder(length + unit.length());
        while (out.length() < length) {
            out.append(unit);
        }
        return out.substring(0, length);
    }
}
