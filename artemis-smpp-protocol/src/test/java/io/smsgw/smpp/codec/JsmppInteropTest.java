package io.smsgw.smpp.codec;

import static io.smsgw.smpp.codec.TestBytes.ascii;
import static io.smsgw.smpp.codec.TestBytes.decode;
import static io.smsgw.smpp.codec.TestBytes.encode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import org.jsmpp.bean.Bind;
import org.jsmpp.bean.DistributionList;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.UnsuccessDelivery;
import org.jsmpp.util.DefaultComposer;
import org.jsmpp.util.DefaultDecomposer;
import org.jsmpp.util.DeliveryReceiptState;
import org.junit.jupiter.api.Test;

/** Cross-checks our bytes against jsmpp's composer/decomposer (it also covers submit_multi). */
class JsmppInteropTest {

    private final DefaultComposer composer = new DefaultComposer();
    private final DefaultDecomposer decomposer = new DefaultDecomposer();

    /**
     * SME destinations only: jsmpp 3.0.1's composer writes dest_flag 2 but drops the dl_name that
     * must follow, so its distribution-list frames are corrupt. Lists are covered in the other
     * direction, where jsmpp's decomposer reads them correctly.
     */
    @Test
    void submitMultiComposedByJsmppIsReadByUs() throws Exception {
        byte[] wire = composer.submitMulti(31, "CMT", (byte) 1, (byte) 1, "8610086",
                new org.jsmpp.bean.DestinationAddress[] {
                    new org.jsmpp.bean.Address((byte) 1, (byte) 1, "8613800138000"),
                    new org.jsmpp.bean.Address((byte) 2, (byte) 8, "13900139000")},
                (byte) 0, (byte) 0, (byte) 1, "", "", (byte) 1, (byte) 0, (byte) 0, (byte) 0, ascii("Hello all"),
                new OptionalParameter.Short(TlvTag.USER_MESSAGE_REFERENCE, (short) 99));

        SubmitMulti ours = assertInstanceOf(SubmitMulti.class, decode(wire));

        assertEquals(31, ours.sequenceNumber());
        assertEquals("CMT", ours.serviceType());
        assertEquals(Address.of(1, 1, "8610086"), ours.sourceAddr());
        assertEquals(List.of(new DestinationAddress.Sme(Address.of(1, 1, "8613800138000")),
                new DestinationAddress.Sme(Address.of(2, 8, "13900139000"))), ours.destinations());
        assertEquals(1, ours.priorityFlag());
        assertEquals(1, ours.registeredDelivery());
        assertArrayEquals(ascii("Hello all"), ours.shortMessage());
        assertEquals(99, ours.tlvs().getU16(TlvTag.USER_MESSAGE_REFERENCE));
    }

    @Test
    void submitMultiEncodedByUsIsReadByJsmpp() throws Exception {
        SubmitMulti ours = new SubmitMulti(32, "", Address.of(1, 1, "8610086"),
                List.of(new DestinationAddress.DistributionList("friends"),
                        new DestinationAddress.Sme(Address.of(1, 1, "8613800138000"))),
                0x40, 0, 0, "", "", 1, 0, 8, 0, TestBytes.hex("050003a702014f60597d"), Tlvs.EMPTY);

        org.jsmpp.bean.SubmitMulti theirs = decomposer.submitMulti(encode(ours));

        assertEquals(32, theirs.getSequenceNumber());
        assertEquals("8610086", theirs.getSourceAddr());
        assertEquals(2, theirs.getDestAddresses().length);
        assertEquals("friends", ((DistributionList) theirs.getDestAddresses()[0]).getName());
        org.jsmpp.bean.Address sme = (org.jsmpp.bean.Address) theirs.getDestAddresses()[1];
        assertEquals("8613800138000", sme.getAddress());
        assertEquals(1, sme.getTon());
        assertEquals(0x40, theirs.getEsmClass());
        assertEquals(8, theirs.getDataCoding());
        assertArrayEquals(ours.shortMessage(), theirs.getShortMessage());
    }

    @Test
    void submitMultiRespRoundTripsThroughJsmpp() throws Exception {
        SubmitMultiResp ours = new SubmitMultiResp(33, 0, "m-1",
                List.of(new UnsuccessfulDelivery(Address.of(2, 8, "13900139000"), SmppStatus.ESME_RINVDSTADR)),
                Tlvs.EMPTY);

        org.jsmpp.bean.SubmitMultiResp theirs = decomposer.submitMultiResp(encode(ours));
        assertEquals("m-1", theirs.getMessageId());
        UnsuccessDelivery failed = theirs.getUnsuccessSmes()[0];
        assertEquals("13900139000", failed.getDestinationAddress().getAddress());
        assertEquals(SmppStatus.ESME_RINVDSTADR, failed.getErrorStatusCode());

        byte[] theirWire = composer.submitMultiResp(33, "m-1",
                new UnsuccessDelivery((byte) 2, (byte) 8, "13900139000", SmppStatus.ESME_RINVDSTADR));
        assertEquals(ours, decode(theirWire));
    }

    @Test
    void deliverSmReceiptEncodedByUsIsParsedAsAReceiptByJsmpp() throws Exception {
        DeliverSm ours = ShortMessagePdu.builder().sequenceNumber(7)
                .sourceAddr(Address.of(1, 1, "8613800138000")).destinationAddr(Address.of(1, 1, "8610086"))
                .esmClass(0x04)
                .shortMessage(ascii("id:a1b2c3d4 sub:001 dlvrd:001 submit date:2511261345 done date:2511261346 "
                        + "stat:DELIVRD err:000 text:Hello"))
                .tlvs(Tlvs.builder().addCString(TlvTag.RECEIPTED_MESSAGE_ID, "a1b2c3d4")
                        .addU8(TlvTag.MESSAGE_STATE, 2).build())
                .buildDeliverSm();

        org.jsmpp.bean.DeliverSm theirs = decomposer.deliverSm(encode(ours));

        org.jsmpp.bean.DeliveryReceipt receipt = theirs.getShortMessageAsDeliveryReceipt();
        assertEquals("a1b2c3d4", receipt.getId());
        assertEquals(DeliveryReceiptState.DELIVRD, receipt.getFinalStatus());
        OptionalParameter.COctetString receiptedId = (OptionalParameter.COctetString)
                theirs.getOptionalParameter(OptionalParameter.Tag.RECEIPTED_MESSAGE_ID);
        assertEquals("a1b2c3d4", receiptedId.getValueAsString());
    }

    @Test
    void bindComposedByJsmppIsReadByUsAndOurResponseIsReadByJsmpp() throws Exception {
        byte[] wire = composer.bind(SmppCommandId.BIND_TRANSCEIVER, 1, "smppclient1", "password", "", (byte) 0x34,
                (byte) 0, (byte) 0, null);

        BindRequest bind = assertInstanceOf(BindRequest.class, decode(wire));
        assertEquals(new BindRequest(1, BindType.TRANSCEIVER, "smppclient1", "password", "", 0x34, 0, 0, ""), bind);

        BindResponse response = bind.response(SmppStatus.ESME_ROK, "SMSGW",
                Tlvs.of(Tlv.ofU8(TlvTag.SC_INTERFACE_VERSION, 0x34)));
        org.jsmpp.bean.BindResp theirs = decomposer.bindResp(encode(response));
        assertEquals(SmppCommandId.BIND_TRANSCEIVER_RESP, theirs.getCommandId());
        assertEquals(1, theirs.getSequenceNumber());
        assertEquals("SMSGW", theirs.getSystemId());
        assertEquals(0x34, ((OptionalParameter.Byte) theirs.getOptionalParameters()[0]).getValue());

        Bind theirBind = decomposer.bind(encode(bind));
        assertEquals("smppclient1", theirBind.getSystemId());
        assertEquals(0x34, theirBind.getInterfaceVersion());
    }
}
