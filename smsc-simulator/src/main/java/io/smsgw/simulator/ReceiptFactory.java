package io.smsgw.simulator;

import io.smsgw.core.receipt.DeliveryReceipt;
import io.smsgw.core.receipt.DeliveryState;
import io.smsgw.core.text.SmsEncoding;
import io.smsgw.core.text.SmsText;
import io.smsgw.smpp.codec.ShortMessagePdu;
import io.smsgw.smpp.codec.TlvTag;
import io.smsgw.smpp.codec.Tlvs;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;

/**
 * Builds receipt deliver_sm: esm_class 0x04, the standard receipt text (SMPP 3.4 Appendix B) as
 * data_coding 0, and for SMPP 3.4 sessions the receipted_message_id and message_state TLVs (plus
 * network_error_code for failures).
 */
final class ReceiptFactory {

    static final int ESM_CLASS_RECEIPT = 0x04;
    /** err: of failed receipts; the simulator does not model real network errors. */
    static final String FAILURE_ERROR = "001";
    private static final int ESM_UDHI = 0x40;
    private static final ZoneId ZONE = ZoneId.systemDefault();
    /** network_error_code: type 3 (GSM), error 1. */
    private static final byte[] NETWORK_ERROR = {3, 0, 1};

    private ReceiptFactory() {
    }

    /** A deliver_sm template for {@code receipt} (the sequence number is set when it is sent). */
    static ShortMessagePdu.Builder build(ScheduledReceipt receipt, boolean version34, long doneMillis) {
        DeliveryState state = receipt.success() ? DeliveryState.DELIVRD : DeliveryState.UNDELIV;
        String text = new DeliveryReceipt(receipt.messageId(), 1, receipt.success() ? 1 : 0,
                localTime(receipt.submitMillis()), localTime(doneMillis), state,
                receipt.success() ? "000" : FAILURE_ERROR, receipt.textStart()).format();
        ShortMessagePdu.Builder builder = ShortMessagePdu.builder()
                .sourceAddr(receipt.handset())
                .destinationAddr(receipt.esme())
                .esmClass(ESM_CLASS_RECEIPT)
                .shortMessage(text.getBytes(StandardCharsets.US_ASCII));
        if (version34) {
            Tlvs.Builder tlvs = Tlvs.builder()
                    .addCString(TlvTag.RECEIPTED_MESSAGE_ID, receipt.messageId())
                    .addU8(TlvTag.MESSAGE_STATE, state.messageState());
            if (!receipt.success()) {
                tlvs.add(TlvTag.NETWORK_ERROR_CODE, NETWORK_ERROR);
            }
            builder.tlvs(tlvs.build());
        }
        return builder;
    }

    /**
     * Up to {@link DeliveryReceipt#TEXT_LENGTH} characters of the submitted text for {@code text:},
     * reduced to printable ASCII so the receipt stays plain data_coding 0; binary content gives "".
     */
    static String textStart(byte[] userData, int esmClass, int dataCoding) {
        int offset = 0;
        if ((esmClass & ESM_UDHI) != 0 && userData.length > 0) {
            offset = Math.min(userData.length, 1 + (userData[0] & 0xFF));
        }
        SmsEncoding encoding = SmsEncoding.fromSmppDataCoding(dataCoding);
        if (encoding == SmsEncoding.BINARY || encoding == SmsEncoding.GBK) {
            return "";
        }
        int octetsPerChar = encoding == SmsEncoding.UCS2 ? 2 : 1;
        int length = Math.min(userData.length - offset, DeliveryReceipt.TEXT_LENGTH * octetsPerChar);
        length -= length % octetsPerChar;
        String decoded = SmsText.decode(userData, offset, length, encoding);
        StringBuilder out = new StringBuilder(decoded.length());
        for (int i = 0; i < decoded.length() && out.length() < DeliveryReceipt.TEXT_LENGTH; i++) {
            char c = decoded.charAt(i);
            out.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return out.toString();
    }

    private static LocalDateTime localTime(long epochMillis) {
        return LocalDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZONE);
    }
}
