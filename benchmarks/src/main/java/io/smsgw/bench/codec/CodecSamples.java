package io.smsgw.bench.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.smsgw.bench.load.MessageKind;
import io.smsgw.smpp.codec.Address;
import io.smsgw.smpp.codec.ShortMessagePdu;
import io.smsgw.smpp.codec.SmppCodec;
import io.smsgw.smpp.codec.SmppPdu;
import io.smsgw.smpp.codec.SmppStatus;
import io.smsgw.smpp.codec.SubmitSmResp;
import io.smsgw.smpp.codec.TlvTag;
import io.smsgw.smpp.codec.Tlvs;
import java.nio.charset.StandardCharsets;

/**
 * The PDUs every codec benchmark works on, as wire bytes: what an SMSC gateway decodes and encodes most.
 */
public enum CodecSamples {

    /** submit_sm with a full 160-character GSM text and a receipt request, no TLVs. */
    SUBMIT_SM(ShortMessagePdu.builder().sequenceNumber(1_234_567).sourceAddr(Address.of(1, 1, "8610086"))
            .destinationAddr(Address.of(1, 1, "8613800138000")).registeredDelivery(1)
            .shortMessage(MessageKind.GSM7.shortMessages(0)[0]).buildSubmitSm()),
    /** submit_sm_resp carrying a 16-hex-digit message id. */
    SUBMIT_SM_RESP(new SubmitSmResp(1_234_567, SmppStatus.ESME_ROK, "0123456789abcdef", Tlvs.EMPTY)),
    /** A delivery receipt deliver_sm: receipt text plus receipted_message_id and message_state TLVs. */
    DELIVER_SM_RECEIPT(ShortMessagePdu.builder().sequenceNumber(7_654_321)
            .sourceAddr(Address.of(1, 1, "8613800138000")).destinationAddr(Address.of(1, 1, "8610086")).esmClass(0x04)
            .shortMessage(("id:0123456789abcdef sub:001 dlvrd:001 submit date:2611261345 done date:2611261346 "
                    + "stat:DELIVRD err:000 text:Benchmark message fr").getBytes(StandardCharsets.US_ASCII))
            .tlvs(Tlvs.builder().addCString(TlvTag.RECEIPTED_MESSAGE_ID, "0123456789abcdef")
                    .addU8(TlvTag.MESSAGE_STATE, 2).build())
            .buildDeliverSm());

    private final SmppPdu pdu;
    private final byte[] wire;

    CodecSamples(SmppPdu pdu) {
        this.pdu = pdu;
        ByteBuf buffer = Unpooled.buffer();
        SmppCodec.encode(pdu, buffer);
        this.wire = new byte[buffer.readableBytes()];
        buffer.readBytes(wire);
    }

    /** The PDU as our codec's record. */
    public SmppPdu pdu() {
        return pdu;
    }

    /** The wire bytes (do not modify). */
    public byte[] wire() {
        return wire;
    }
}
