package io.smsgw.cmpp.codec;

import io.smsgw.core.concat.SegmentFit;
import io.smsgw.core.contract.SmsMessageReader;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.text.DataCoding;
import io.smsgw.core.text.SmsEncoding;
import io.smsgw.core.text.SmsText;

/**
 * The Msg_Fmt and octets text goes to a CMPP peer with (an SP's DELIVER, a peer gateway's FWD), and the Msg_Fmt of
 * binary content. CMPP has no message class: a flash text reaches an SP as an ordinary one, and only 8-bit data for
 * the SIM (class 2) has a Msg_Fmt of its own, 3 (SIM card write).
 */
public final class CmppTextCoding {

    /** Msg_Fmt 0: ASCII. */
    public static final int MSG_FMT_ASCII = 0;
    /** Msg_Fmt 8: UCS2. */
    public static final int MSG_FMT_UCS2 = 8;
    /** Msg_Fmt 15: GB Chinese (sent as GBK). */
    public static final int MSG_FMT_GBK = 15;
    /** The most octets Msg_Length can state. */
    public static final int MAX_MSG_LENGTH = 255;

    private static final int SPEC_LIMIT = 140;

    private CmppTextCoding() {
    }

    /** Text in a Msg_Fmt: the format and the octets. */
    public record Encoded(int msgFmt, byte[] octets) {
    }

    /** A whole message's text (split afterwards if long): ASCII when every character is, else UCS2. */
    public static Encoded whole(String text) {
        return SmsText.canEncode(text, SmsEncoding.ASCII)
            ? new Encoded(MSG_FMT_ASCII, SmsText.encode(text, SmsEncoding.ASCII))
            : new Encoded(MSG_FMT_UCS2, SmsText.encode(text, SmsEncoding.UCS2));
    }

    /**
     * One segment of a long message, which cannot be cut again, behind a header of {@code headerOctets}: the first
     * format that holds it within the specification's limits (ASCII up to 159 octets, UCS2 up to 140, GBK up to 140),
     * else, when the part is one SMS behind its header ({@code oneSms}: it was, or will be, one on the air), GBK and then
     * UCS2 over the 140 octets up to the 255 octets Msg_Length can state (decision 80: a 153-character 7-bit part with one
     * é is 160 octets in every format but ASCII, and the SP gets it whole rather than not at all); null when none holds it.
     */
    public static Encoded segment(String text, int headerOctets, boolean oneSms) {
        if (SmsText.canEncode(text, SmsEncoding.ASCII) && headerOctets + text.length() <= CmppCodec.maxContentLength(MSG_FMT_ASCII)) {
            return new Encoded(MSG_FMT_ASCII, SmsText.encode(text, SmsEncoding.ASCII));
        }
        boolean ucs2 = SmsText.canEncode(text, SmsEncoding.UCS2);
        int ucs2Octets = 2 * text.length();
        if (ucs2 && headerOctets + ucs2Octets <= SPEC_LIMIT) {
            return new Encoded(MSG_FMT_UCS2, SmsText.encode(text, SmsEncoding.UCS2));
        }
        byte[] gbk = SmsText.canEncode(text, SmsEncoding.GBK) ? SmsText.encode(text, SmsEncoding.GBK) : null;
        int limit = oneSms ? MAX_MSG_LENGTH : SPEC_LIMIT;
        if (gbk != null && headerOctets + gbk.length <= limit) {
            return new Encoded(MSG_FMT_GBK, gbk); // GBK is never longer than UCS2
        }
        if (ucs2 && headerOctets + ucs2Octets <= limit) {
            return new Encoded(MSG_FMT_UCS2, SmsText.encode(text, SmsEncoding.UCS2));
        }
        return null;
    }

    /**
     * Whether {@code text} is one SMS behind a header of {@code headerOctets} in GSM 7-bit or in {@code original}, the
     * coding it came in: a part the network carries as one, which CMPP may carry over its 140 octets.
     */
    public static boolean oneSms(String text, int headerOctets, SmsEncoding original) {
        return SegmentFit.fits(text, SmsEncoding.GSM7, headerOctets)
            || original != SmsEncoding.BINARY && original != SmsEncoding.GSM7 && SegmentFit.fits(text, original, headerOctets);
    }

    /** The Msg_Fmt of binary content that came with {@code dataCoding}: 3 for 8-bit SIM data (class 2), else 4. */
    public static int binaryMsgFmt(int dataCoding) {
        return DataCoding.cmppBinaryMsgFmt(dataCoding);
    }

    /**
     * {@link #segment(String, int, boolean)} for the text of one segment of {@code m} behind {@code header} (null:
     * none), judged one SMS by the data coding it came with: over 140 octets when it is one. For a peer gateway's FWD.
     */
    public static Encoded segmentOf(SmsMessageReader m, String text, byte[] header) {
        return segmentOf(m, text, header, true);
    }

    /**
     * {@link #segmentOf(SmsMessageReader, String, byte[])}, over 140 octets only when {@code over140} (an SP's
     * DELIVER: only for an account with {@code cmpp-deliver-over-140}, decision 102); else within the specification's
     * limits or null.
     */
    public static Encoded segmentOf(SmsMessageReader m, String text, byte[] header, boolean over140) {
        return segment(text, header == null ? 0 : header.length, over140 && isOneSms(m, text, header));
    }

    /** {@link #oneSms(String, int, SmsEncoding)} in the data coding {@code m} came with. */
    public static boolean isOneSms(SmsMessageReader m, String text, byte[] header) {
        SmsEncoding original = SmsEncoding.fromSmppDataCoding(m.integer(SmsProperties.DATA_CODING, 0));
        return oneSms(text, header == null ? 0 : header.length, original);
    }

    /** The content of a segment: its concatenation header, then its octets. */
    public static byte[] withHeader(byte[] header, byte[] payload) {
        byte[] content = new byte[header.length + payload.length];
        System.arraycopy(header, 0, content, 0, header.length);
        System.arraycopy(payload, 0, content, header.length, payload.length);
        return content;
    }
}
