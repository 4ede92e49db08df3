package io.smsgw.simulator;

import io.smsgw.core.text.SmsEncoding;
import io.smsgw.core.text.SmsText;
import io.smsgw.smpp.codec.Address;
import io.smsgw.smpp.codec.ShortMessagePdu;
import io.smsgw.smpp.codec.Tlvs;
import java.util.Objects;

/**
 * A mobile-originated message the simulator delivers to a bound ESME as deliver_sm (esm_class 0).
 *
 * @param source       the handset
 * @param destination  the service number
 * @param dataCoding   SMPP data_coding of {@code shortMessage}
 * @param shortMessage at most 255 octets (owned by the record: do not modify)
 * @param tlvs         optional parameters, sent only to SMPP 3.4 sessions
 */
public record MoMessage(Address source, Address destination, int dataCoding, byte[] shortMessage, Tlvs tlvs) {

    public MoMessage {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(shortMessage, "shortMessage");
        tlvs = tlvs == null ? Tlvs.EMPTY : tlvs;
        if (shortMessage.length > ShortMessagePdu.MAX_SHORT_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("short_message of " + shortMessage.length + " octets exceeds "
                    + ShortMessagePdu.MAX_SHORT_MESSAGE_LENGTH);
        }
    }

    /**
     * A text MO from {@code from} to {@code to} (international numbers, TON 1 / NPI 1), coded in GSM 7-bit
     * (unpacked, data_coding 0) when it can be, else UCS2 (data_coding 8).
     */
    public static MoMessage text(String from, String to, String text) {
        SmsEncoding encoding = SmsText.chooseEncoding(text);
        return new MoMessage(Address.of(1, 1, from), Address.of(1, 1, to), encoding.smppDataCoding(),
                SmsText.encode(text, encoding), Tlvs.EMPTY);
    }
}
