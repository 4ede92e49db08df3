package io.smsgw.smpp.codec;

import static io.smsgw.smpp.codec.TestBytes.ascii;
import static io.smsgw.smpp.codec.TestBytes.decodeHex;
import static io.smsgw.smpp.codec.TestBytes.encodeHex;
import static io.smsgw.smpp.codec.TestBytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Every SMPP vector of protocols.md §3.2 (plus the node-smpp one it quotes) decodes to the
 * documented fields and re-encodes to the identical bytes.
 */
class HexVectorTest {

    private static final String RECEIPT_TEXT = "id:a1b2c3d4 sub:001 dlvrd:001 submit date:2511261345 "
            + "done date:2511261346 stat:DELIVRD err:000 text:Hello";

    /** Decodes, checks the type, and checks that re-encoding reproduces the vector. */
    private static <T extends SmppPdu> T roundTrip(String hex, Class<T> type) {
        SmppPdu pdu = decodeHex(hex);
        T typed = assertInstanceOf(type, pdu, () -> "decoded " + pdu);
        assertEquals(hex, encodeHex(typed), "re-encoding must be byte-identical");
        return typed;
    }

    @Test
    void bindTransceiverFromCloudhopperWithNullAddressRange() {
        BindRequest bind = roundTrip("00000023000000090000000000039951414c4c5f545700414c4c5f5457000034000000",
                BindRequest.class);
        assertEquals(SmppCommandId.BIND_TRANSCEIVER, bind.commandId());
        assertEquals(BindType.TRANSCEIVER, bind.bindType());
        assertEquals(235857, bind.sequenceNumber());
        assertEquals("ALL_TW", bind.systemId());
        assertEquals("ALL_TW", bind.password());
        assertEquals("", bind.systemType());
        assertEquals(0x34, bind.interfaceVersion());
        assertEquals(0, bind.addrTon());
        assertEquals(0, bind.addrNpi());
        assertEquals("", bind.addressRange());
        assertTrue(bind.isVersion34OrLater());
    }

    @Test
    void bindTransceiverWithMaximumLengthPassword() {
        BindRequest bind = roundTrip(
                "0000002a000000090000000000000001736d7070636c69656e74310070617373776f7264000034000000",
                BindRequest.class);
        assertEquals(new BindRequest(1, BindType.TRANSCEIVER, "smppclient1", "password", "", 0x34, 0, 0, ""), bind);
    }

    @Test
    void bindTransceiverRespWithScInterfaceVersion() {
        BindResponse resp = roundTrip("0000001b800000090000000000000001534d534757000210000134", BindResponse.class);
        assertEquals(SmppCommandId.BIND_TRANSCEIVER_RESP, resp.commandId());
        assertEquals(BindType.TRANSCEIVER, resp.bindType());
        assertEquals(SmppStatus.ESME_ROK, resp.commandStatus());
        assertEquals("SMSGW", resp.systemId());
        assertEquals(0x34, resp.tlvs().getU8(TlvTag.SC_INTERFACE_VERSION));
        assertEquals(1, resp.tlvs().size());
    }

    @Test
    void bindTransmitterVersion33() {
        BindRequest bind = roundTrip(
                "0000002a000000020000000000000001736d7070636c69656e74310070617373776f7264000033000000",
                BindRequest.class);
        assertEquals(BindType.TRANSMITTER, bind.bindType());
        assertEquals(0x33, bind.interfaceVersion());
        assertFalse(bind.isVersion34OrLater());
        assertEquals("smppclient1", bind.systemId());
    }

    @Test
    void bindTransmitterRespVersion33WithoutTlv() {
        BindResponse resp = roundTrip("00000016800000020000000000000001534d53475700", BindResponse.class);
        assertEquals(BindType.TRANSMITTER, resp.bindType());
        assertEquals("SMSGW", resp.systemId());
        assertTrue(resp.tlvs().isEmpty());
    }

    @Test
    void bindTransceiverRespFailure() {
        BindResponse resp = roundTrip("00000011800000090000000e0000000100", BindResponse.class);
        assertEquals(SmppStatus.ESME_RINVPASWD, resp.commandStatus());
        assertFalse(resp.isOk());
        assertEquals("", resp.systemId());
    }

    @Test
    void bindTransmitterSpecExample() {
        BindRequest bind = roundTrip(
                "0000002f000000020000000000000001534d50503354455354007365637265743038005355424d4954310000010100",
                BindRequest.class);
        assertEquals(new BindRequest(1, BindType.TRANSMITTER, "SMPP3TEST", "secret08", "SUBMIT1", 0x00, 1, 1, ""),
                bind);
    }

    @Test
    void submitSmFromCloudhopper() {
        SubmitSm sm = roundTrip("00000039000000040000000000004fe8000101343034303400010134343935313336313932300000"
                + "0000000001000000084024232125262f3a", SubmitSm.class);
        assertEquals(0x4fe8, sm.sequenceNumber());
        assertEquals(Address.of(1, 1, "40404"), sm.sourceAddr());
        assertEquals(Address.of(1, 1, "44951361920"), sm.destinationAddr());
        assertEquals(0, sm.esmClass());
        assertEquals(1, sm.registeredDelivery());
        assertEquals(0, sm.dataCoding());
        assertArrayEquals(ascii("@$#!%&/:"), sm.shortMessage());
        assertTrue(sm.tlvs().isEmpty());
    }

    @Test
    void submitSmAsciiWithReceiptRequested() {
        SubmitSm sm = roundTrip("0000003a000000040000000000000002000101383631303038360001013836313338303031333830"
                + "3030000000000000010000000548656c6c6f", SubmitSm.class);
        SubmitSm expected = ShortMessagePdu.builder().sequenceNumber(2)
                .sourceAddr(Address.of(1, 1, "8610086")).destinationAddr(Address.of(1, 1, "8613800138000"))
                .registeredDelivery(1).shortMessage(ascii("Hello")).buildSubmitSm();
        assertEquals(expected, sm);
    }

    @Test
    void submitSmUcs2WithConcatenationUdh() {
        SubmitSm sm = roundTrip("0000003f000000040000000000000003000101383631303038360001013836313338303031333830"
                + "3030004000000000010008000a050003a702014f60597d", SubmitSm.class);
        assertEquals(3, sm.sequenceNumber());
        assertEquals(0x40, sm.esmClass());
        assertEquals(1, sm.registeredDelivery());
        assertEquals(0x08, sm.dataCoding());
        assertArrayEquals(hex("050003a702014f60597d"), sm.shortMessage());
    }

    @Test
    void submitSmFromNodeSmppWithNationalLanguageShiftUdh() {
        SubmitSm sm = roundTrip("0000003f0000000400000000000000020001003436373031313333313131000101343637303937"
                + "3731333337004000000000000001000803240103747b7374", SubmitSm.class);
        assertEquals(Address.of(1, 0, "46701133111"), sm.sourceAddr());
        assertEquals(Address.of(1, 1, "46709771337"), sm.destinationAddr());
        assertEquals(0x40, sm.esmClass());
        assertEquals(1, sm.dataCoding());
        assertArrayEquals(hex("03240103747b7374"), sm.shortMessage());
    }

    @Test
    void submitSmResp() {
        SubmitSmResp resp = roundTrip("00000019800000040000000000000002613162326333643400", SubmitSmResp.class);
        assertEquals(new SubmitSmResp(2, 0, "a1b2c3d4", Tlvs.EMPTY), resp);
    }

    @Test
    void deliverSmReceiptVersion34WithTlvs() {
        DeliverSm receipt = roundTrip("000000b0000000050000000000000007000101383631333830303133383030300001013836"
                + "31303038360004000000000000000069" + Hex.of(ascii(RECEIPT_TEXT))
                + "001e00096131623263336434000427000102", DeliverSm.class);
        assertEquals(7, receipt.sequenceNumber());
        assertEquals(Address.of(1, 1, "8613800138000"), receipt.sourceAddr());
        assertEquals(Address.of(1, 1, "8610086"), receipt.destinationAddr());
        assertEquals(0x04, receipt.esmClass());
        assertEquals(RECEIPT_TEXT, new String(receipt.shortMessage(), java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals("a1b2c3d4", receipt.tlvs().getCString(TlvTag.RECEIPTED_MESSAGE_ID));
        assertEquals(2, receipt.tlvs().getU8(TlvTag.MESSAGE_STATE));
    }

    @Test
    void deliverSmReceiptVersion33TextOnly() {
        DeliverSm receipt = roundTrip("0000009e000000050000000000000007000101383631333830303133383030300001013836"
                + "31303038360004000000000000000069" + Hex.of(ascii(RECEIPT_TEXT)), DeliverSm.class);
        assertEquals(0x04, receipt.esmClass());
        assertArrayEquals(ascii(RECEIPT_TEXT), receipt.shortMessage());
        assertTrue(receipt.tlvs().isEmpty());
    }

    @Test
    void deliverSmReceiptFromCloudhopperKeepsTlvOrder() {
        DeliverSm receipt = roundTrip("000000ba000000050000000000000002000101343439353133363139323000010134303430"
                + "34000400000000000000006e69643a30303539313133393738207375623a30303120646c7672643a303031207375626d"
                + "697420646174653a3130303231303137333020646f6e6520646174653a3130303231303137333120737461743a44454c"
                + "49565244206572723a30303020746578743a4024232125262f3a000e0001010006000101001e00083338363031666100"
                + "0427000102", DeliverSm.class);
        assertEquals(Address.of(1, 1, "44951361920"), receipt.sourceAddr());
        assertEquals(4, receipt.tlvs().size());
        assertEquals(TlvTag.SOURCE_NETWORK_TYPE, receipt.tlvs().at(0).tag());
        assertEquals(TlvTag.DEST_NETWORK_TYPE, receipt.tlvs().at(1).tag());
        assertEquals("38601fa", receipt.tlvs().getCString(TlvTag.RECEIPTED_MESSAGE_ID));
        assertEquals(2, receipt.tlvs().getU8(TlvTag.MESSAGE_STATE));
    }

    @Test
    void deliverSmRespWithEmptyMessageId() {
        DeliverSmResp resp = roundTrip("0000001180000005000000000000000700", DeliverSmResp.class);
        assertEquals(new DeliverSmResp(7, 0, "", Tlvs.EMPTY), resp);
    }

    @Test
    void enquireLinkAndResp() {
        assertEquals(new EnquireLink(9), roundTrip("00000010000000150000000000000009", EnquireLink.class));
        assertEquals(new EnquireLinkResp(9, 0), roundTrip("00000010800000150000000000000009", EnquireLinkResp.class));
    }

    @Test
    void unbindAndResp() {
        assertEquals(new Unbind(10), roundTrip("0000001000000006000000000000000a", Unbind.class));
        assertEquals(new UnbindResp(10, 0), roundTrip("0000001080000006000000000000000a", UnbindResp.class));
    }

    @Test
    void genericNackInvalidCommandId() {
        assertEquals(new GenericNack(11, SmppStatus.ESME_RINVCMDID),
                roundTrip("0000001080000000000000030000000b", GenericNack.class));
    }

    @Test
    void requestHelpersProduceTheVectorResponses() {
        EnquireLink link = (EnquireLink) decodeHex("00000010000000150000000000000009");
        assertEquals("00000010800000150000000000000009", encodeHex(link.response()));
        Unbind unbind = (Unbind) decodeHex("0000001000000006000000000000000a");
        assertEquals("0000001080000006000000000000000a", encodeHex(unbind.response()));

        SubmitSm submit = (SubmitSm) decodeHex("0000003a000000040000000000000002000101383631303038360001013836313338"
                + "303031333830303000000000000001000000" + "0548656c6c6f");
        assertEquals("00000019800000040000000000000002613162326333643400",
                encodeHex(submit.response(SmppStatus.ESME_ROK, "a1b2c3d4")));

        BindRequest bind = (BindRequest) decodeHex(
                "0000002a000000090000000000000001736d7070636c69656e74310070617373776f7264000034000000");
        assertEquals("0000001b800000090000000000000001534d534757000210000134", encodeHex(bind.response(
                SmppStatus.ESME_ROK, "SMSGW", Tlvs.of(Tlv.ofU8(TlvTag.SC_INTERFACE_VERSION, 0x34)))));
        assertEquals("00000011800000090000000e0000000100", encodeHex(bind.errorResponse(SmppStatus.ESME_RINVPASWD)));
    }
}
