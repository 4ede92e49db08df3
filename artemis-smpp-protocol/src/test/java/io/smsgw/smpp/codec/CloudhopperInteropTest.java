package io.smsgw.smpp.codec;

import static io.smsgw.smpp.codec.TestBytes.ascii;
import static io.smsgw.smpp.codec.TestBytes.decode;
import static io.smsgw.smpp.codec.TestBytes.encode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.cloudhopper.smpp.SmppConstants;
import com.cloudhopper.smpp.pdu.BindTransceiver;
import com.cloudhopper.smpp.pdu.BindTransceiverResp;
import com.cloudhopper.smpp.pdu.Pdu;
import com.cloudhopper.smpp.transcoder.DefaultPduTranscoder;
import com.cloudhopper.smpp.transcoder.DefaultPduTranscoderContext;
import com.cloudhopper.smpp.util.DeliveryReceipt;
import org.jboss.netty.buffer.ChannelBuffer;
import org.jboss.netty.buffer.ChannelBuffers;
import org.joda.time.DateTimeZone;
import org.junit.jupiter.api.Test;

/** Cross-checks our bytes against cloudhopper ch-smpp's transcoder, in both directions. */
class CloudhopperInteropTest {

    private static final String RECEIPT_TEXT = "id:a1b2c3d4 sub:001 dlvrd:001 submit date:2511261345 "
            + "done date:2511261346 stat:DELIVRD err:000 text:Hello";

    private final DefaultPduTranscoder transcoder = new DefaultPduTranscoder(new DefaultPduTranscoderContext());

    private Pdu theirDecode(byte[] wire) throws Exception {
        return transcoder.decode(ChannelBuffers.wrappedBuffer(wire));
    }

    private byte[] theirEncode(Pdu pdu) throws Exception {
        ChannelBuffer buffer = transcoder.encode(pdu);
        byte[] wire = new byte[buffer.readableBytes()];
        buffer.readBytes(wire);
        return wire;
    }

    private static com.cloudhopper.smpp.type.Address theirAddress(int ton, int npi, String address) {
        return new com.cloudhopper.smpp.type.Address((byte) ton, (byte) npi, address);
    }

    private static void assertSameAddress(Address ours, com.cloudhopper.smpp.type.Address theirs) {
        assertEquals(ours.ton(), theirs.getTon());
        assertEquals(ours.npi(), theirs.getNpi());
        assertEquals(ours.address(), theirs.getAddress());
    }

    @Test
    void submitSmWithTlvsEncodedByUsIsReadByCloudhopper() throws Exception {
        SubmitSm ours = ShortMessagePdu.builder().sequenceNumber(42).serviceType("CMT")
                .sourceAddr(Address.of(1, 1, "8610086")).destinationAddr(Address.of(1, 1, "8613800138000"))
                .esmClass(0x03).registeredDelivery(1).dataCoding(0x08).validityPeriod("000001000000000R")
                .shortMessage(TestBytes.hex("4f60597d"))
                .tlvs(Tlvs.builder().addU16(TlvTag.SAR_MSG_REF_NUM, 0x1234).addU8(TlvTag.SAR_TOTAL_SEGMENTS, 3)
                        .addU8(TlvTag.SAR_SEGMENT_SEQNUM, 2).addU16(TlvTag.USER_MESSAGE_REFERENCE, 77).build())
                .buildSubmitSm();

        com.cloudhopper.smpp.pdu.SubmitSm theirs =
                assertInstanceOf(com.cloudhopper.smpp.pdu.SubmitSm.class, theirDecode(encode(ours)));

        assertEquals(42, theirs.getSequenceNumber());
        assertEquals("CMT", theirs.getServiceType());
        assertSameAddress(ours.sourceAddr(), theirs.getSourceAddress());
        assertSameAddress(ours.destinationAddr(), theirs.getDestAddress());
        assertEquals(0x03, theirs.getEsmClass());
        assertEquals(1, theirs.getRegisteredDelivery());
        assertEquals(0x08, theirs.getDataCoding());
        assertEquals("000001000000000R", theirs.getValidityPeriod());
        assertArrayEquals(ours.shortMessage(), theirs.getShortMessage());
        assertEquals(0x1234, theirs.getOptionalParameter(SmppConstants.TAG_SAR_MSG_REF_NUM).getValueAsUnsignedShort());
        assertEquals(3, theirs.getOptionalParameter(SmppConstants.TAG_SAR_TOTAL_SEGMENTS).getValueAsUnsignedByte());
        assertEquals(2, theirs.getOptionalParameter(SmppConstants.TAG_SAR_SEGMENT_SEQNUM).getValueAsUnsignedByte());
        assertEquals(77, theirs.getOptionalParameter(SmppConstants.TAG_USER_MESSAGE_REFERENCE)
                .getValueAsUnsignedShort());
    }

    @Test
    void submitSmWithMessagePayloadEncodedByCloudhopperIsReadByUs() throws Exception {
        com.cloudhopper.smpp.pdu.SubmitSm theirs = new com.cloudhopper.smpp.pdu.SubmitSm();
        theirs.setSequenceNumber(9);
        theirs.setSourceAddress(theirAddress(5, 0, "GATEWAY"));
        theirs.setDestAddress(theirAddress(1, 1, "8613800138000"));
        theirs.setRegisteredDelivery(SmppConstants.REGISTERED_DELIVERY_SMSC_RECEIPT_REQUESTED);
        byte[] payload = ascii("x".repeat(400));
        theirs.addOptionalParameter(new com.cloudhopper.smpp.tlv.Tlv(SmppConstants.TAG_MESSAGE_PAYLOAD, payload));

        SubmitSm ours = assertInstanceOf(SubmitSm.class, decode(theirEncode(theirs)));

        assertEquals(9, ours.sequenceNumber());
        assertEquals(Address.of(5, 0, "GATEWAY"), ours.sourceAddr());
        assertEquals(Address.of(1, 1, "8613800138000"), ours.destinationAddr());
        assertEquals(1, ours.registeredDelivery());
        assertEquals(0, ours.shortMessage().length);
        assertArrayEquals(payload, ours.tlvs().getBytes(TlvTag.MESSAGE_PAYLOAD));
    }

    @Test
    void deliverSmReceiptEncodedByUsIsParsedAsAReceiptByCloudhopper() throws Exception {
        DeliverSm ours = ShortMessagePdu.builder().sequenceNumber(7)
                .sourceAddr(Address.of(1, 1, "8613800138000")).destinationAddr(Address.of(1, 1, "8610086"))
                .esmClass(0x04).shortMessage(ascii(RECEIPT_TEXT))
                .tlvs(Tlvs.builder().addCString(TlvTag.RECEIPTED_MESSAGE_ID, "a1b2c3d4")
                        .addU8(TlvTag.MESSAGE_STATE, 2).build())
                .buildDeliverSm();

        com.cloudhopper.smpp.pdu.DeliverSm theirs =
                assertInstanceOf(com.cloudhopper.smpp.pdu.DeliverSm.class, theirDecode(encode(ours)));

        assertEquals(SmppConstants.ESM_CLASS_MT_SMSC_DELIVERY_RECEIPT, theirs.getEsmClass());
        DeliveryReceipt receipt = DeliveryReceipt.parseShortMessage(
                new String(theirs.getShortMessage(), java.nio.charset.StandardCharsets.US_ASCII), DateTimeZone.UTC);
        assertEquals("a1b2c3d4", receipt.getMessageId());
        assertEquals(SmppConstants.STATE_DELIVERED, receipt.getState());
        assertEquals("a1b2c3d4",
                theirs.getOptionalParameter(SmppConstants.TAG_RECEIPTED_MSG_ID).getValueAsString());
        assertEquals(SmppConstants.STATE_DELIVERED,
                theirs.getOptionalParameter(SmppConstants.TAG_MSG_STATE).getValueAsByte());
    }

    @Test
    void deliverSmReceiptEncodedByCloudhopperIsReadByUs() throws Exception {
        com.cloudhopper.smpp.pdu.DeliverSm theirs = new com.cloudhopper.smpp.pdu.DeliverSm();
        theirs.setSequenceNumber(3);
        theirs.setSourceAddress(theirAddress(1, 1, "8613800138000"));
        theirs.setDestAddress(theirAddress(1, 1, "8610086"));
        theirs.setEsmClass(SmppConstants.ESM_CLASS_MT_SMSC_DELIVERY_RECEIPT);
        theirs.setShortMessage(ascii(RECEIPT_TEXT));
        theirs.addOptionalParameter(new com.cloudhopper.smpp.tlv.Tlv(SmppConstants.TAG_RECEIPTED_MSG_ID,
                ascii("a1b2c3d4\0")));
        theirs.addOptionalParameter(new com.cloudhopper.smpp.tlv.Tlv(SmppConstants.TAG_MSG_STATE, new byte[] {2}));

        DeliverSm ours = assertInstanceOf(DeliverSm.class, decode(theirEncode(theirs)));

        assertEquals(3, ours.sequenceNumber());
        assertEquals(0x04, ours.esmClass());
        assertArrayEquals(ascii(RECEIPT_TEXT), ours.shortMessage());
        assertEquals("a1b2c3d4", ours.tlvs().getCString(TlvTag.RECEIPTED_MESSAGE_ID));
        assertEquals(2, ours.tlvs().getU8(TlvTag.MESSAGE_STATE));
        assertEquals(new DeliverSmResp(3, 0, "", Tlvs.EMPTY), ours.response(SmppStatus.ESME_ROK));
    }

    @Test
    void bindTransceiverEncodedByUsIsReadByCloudhopper() throws Exception {
        BindRequest ours = new BindRequest(235857, BindType.TRANSCEIVER, "smppclient1", "password", "VMA", 0x34, 1, 1,
                "^86");

        BindTransceiver theirs = assertInstanceOf(BindTransceiver.class, theirDecode(encode(ours)));

        assertEquals(235857, theirs.getSequenceNumber());
        assertEquals("smppclient1", theirs.getSystemId());
        assertEquals("password", theirs.getPassword());
        assertEquals("VMA", theirs.getSystemType());
        assertEquals(0x34, theirs.getInterfaceVersion());
        assertSameAddress(Address.of(1, 1, "^86"), theirs.getAddressRange());
    }

    @Test
    void bindTransceiverRespEncodedByCloudhopperIsReadByUs() throws Exception {
        BindTransceiverResp theirs = new BindTransceiverResp();
        theirs.setSequenceNumber(5);
        theirs.setSystemId("Smsc GW");
        theirs.addOptionalParameter(new com.cloudhopper.smpp.tlv.Tlv(SmppConstants.TAG_SC_INTERFACE_VERSION,
                new byte[] {0x34}));

        BindResponse ours = assertInstanceOf(BindResponse.class, decode(theirEncode(theirs)));

        assertEquals(new BindResponse(5, 0, BindType.TRANSCEIVER, "Smsc GW",
                Tlvs.of(Tlv.ofU8(TlvTag.SC_INTERFACE_VERSION, 0x34))), ours);
    }
}
