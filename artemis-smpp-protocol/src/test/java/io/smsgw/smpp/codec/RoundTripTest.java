package io.smsgw.smpp.codec;

import static io.smsgw.smpp.codec.TestBytes.ascii;
import static io.smsgw.smpp.codec.TestBytes.decode;
import static io.smsgw.smpp.codec.TestBytes.encode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every PDU type survives build → encode → decode unchanged. */
class RoundTripTest {

    private static final Address ESME = Address.of(1, 1, "8610086");
    private static final Address HANDSET = Address.of(1, 1, "8613800138000");
    private static final Tlvs SAR = Tlvs.builder()
            .addU16(TlvTag.SAR_MSG_REF_NUM, 0xBEEF)
            .addU8(TlvTag.SAR_TOTAL_SEGMENTS, 2)
            .addU8(TlvTag.SAR_SEGMENT_SEQNUM, 1)
            .add((short) 0x1401, new byte[] {1, 2, 3}) // vendor tag: must survive untouched
            .build();

    static Stream<SmppPdu> everyPduType() {
        return Stream.of(
                new GenericNack(1, SmppStatus.ESME_RINVCMDID),
                new BindRequest(2, BindType.TRANSMITTER, "sys", "pw", "type", 0x33, 1, 1, "^861"),
                new BindRequest(3, BindType.RECEIVER, "sys", "pw", "", 0x34, 0, 0, ""),
                new BindRequest(4, BindType.TRANSCEIVER, "fifteen-chars-x", "8charpwd", "twelve-chars", 0x34, 2, 8,
                        "x".repeat(40)),
                new BindResponse(5, 0, BindType.TRANSMITTER, "SMSC", Tlvs.EMPTY),
                new BindResponse(6, 0, BindType.RECEIVER, "SMSC", Tlvs.of(Tlv.ofU8(TlvTag.SC_INTERFACE_VERSION, 0x34))),
                new BindResponse(7, SmppStatus.ESME_RBINDFAIL, BindType.TRANSCEIVER, "", Tlvs.EMPTY),
                new Outbind(8, "SMSC", "secret"),
                new Unbind(9),
                new UnbindResp(10, 0),
                new EnquireLink(0x7FFFFFFF),
                new EnquireLinkResp(0x7FFFFFFF, 0),
                ShortMessagePdu.builder().sequenceNumber(11).serviceType("CMT").sourceAddr(ESME)
                        .destinationAddr(HANDSET).esmClass(0x43).protocolId(0x7F).priorityFlag(3)
                        .scheduleDeliveryTime("251126134500000+").validityPeriod("000001000000000R")
                        .registeredDelivery(0x11).replaceIfPresentFlag(1).dataCoding(0xF0).smDefaultMsgId(254)
                        .shortMessage(new byte[255]).tlvs(SAR).buildSubmitSm(),
                new SubmitSmResp(12, 0, "m".repeat(64), Tlvs.EMPTY),
                ShortMessagePdu.builder().sequenceNumber(13).sourceAddr(HANDSET).destinationAddr(ESME)
                        .esmClass(0x04).shortMessage(ascii("id:1 stat:DELIVRD"))
                        .tlvs(Tlvs.builder().addCString(TlvTag.RECEIPTED_MESSAGE_ID, "1")
                                .addU8(TlvTag.MESSAGE_STATE, 2).build())
                        .buildDeliverSm(),
                new DeliverSmResp(14, SmppStatus.ESME_RX_T_APPN, "", Tlvs.EMPTY),
                new DataSm(15, "WAP", Address.of(5, 0, "a".repeat(64)), HANDSET, 0, 1, 0x04,
                        Tlvs.of(new Tlv(TlvTag.MESSAGE_PAYLOAD, new byte[1000]))),
                new DataSmResp(16, SmppStatus.ESME_RDELIVERYFAILURE, "77",
                        Tlvs.of(Tlv.ofU8(TlvTag.DELIVERY_FAILURE_REASON, 1),
                                new Tlv(TlvTag.NETWORK_ERROR_CODE, new byte[] {3, 0, 1}))),
                new QuerySm(17, "abc", ESME),
                new QuerySmResp(18, 0, "abc", "251126134600", 2, 0),
                new CancelSm(19, "", "abc", ESME, HANDSET),
                new CancelSmResp(20, SmppStatus.ESME_RCANCELFAIL),
                new ReplaceSm(21, "abc", ESME, "", "251127000000000+", 1, 0, ascii("new text")),
                new ReplaceSmResp(22, 0),
                new SubmitMulti(23, "", ESME, List.of(new DestinationAddress.Sme(HANDSET),
                        new DestinationAddress.DistributionList("friends"),
                        new DestinationAddress.Sme(Address.of(2, 8, "13900139000"))),
                        0, 0, 1, "", "", 1, 0, 8, 0, new byte[] {0x4f, 0x60}, SAR),
                new SubmitMultiResp(24, 0, "multi-1",
                        List.of(new UnsuccessfulDelivery(Address.of(2, 8, "13900139000"), SmppStatus.ESME_RINVDSTADR),
                                new UnsuccessfulDelivery(HANDSET, 0x401)), Tlvs.EMPTY),
                new AlertNotification(25, HANDSET, Address.of(0, 0, "esme"),
                        Tlvs.of(Tlv.ofU8(TlvTag.MS_AVAILABILITY_STATUS, 0))),
                new ParamRetrieve(26, "max_sm_length"),
                new ParamRetrieveResp(27, 0, "160"),
                new QueryLastMsgs(28, ESME, 100),
                new QueryLastMsgsResp(29, 0, List.of("0000000a", "0000000b", "")),
                new QueryMsgDetails(30, "0000000a", ESME, 160),
                new QueryMsgDetailsResp(31, 0, "CMT", ESME, List.of(new DestinationAddress.Sme(HANDSET),
                        new DestinationAddress.DistributionList("dl")), 0, 1, "", "251127000000000+", 1, 0,
                        ascii("Hello"), "0000000a", "251126134600", 2, 0));
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("everyPduType")
    void encodeThenDecodeGivesAnEqualPdu(SmppPdu pdu) {
        byte[] wire = encode(pdu);

        assertEquals(wire.length, ByteBuffer.wrap(wire).getInt(0), "command_length must equal the PDU size");
        assertEquals(pdu.commandId(), ByteBuffer.wrap(wire).getInt(4));
        SmppPdu decoded = decode(wire);
        assertEquals(pdu, decoded);
        assertEquals(pdu.hashCode(), decoded.hashCode());
    }

    @Test
    void samplesCoverEveryCommandIdOfSmpp33And34() {
        Set<String> covered = everyPduType().map(SmppPdu::commandName).collect(Collectors.toCollection(TreeSet::new));
        Set<String> all = new TreeSet<>(Set.of("generic_nack", "outbind", "alert_notification"));
        int[] requestsWithResponse = {SmppCommandId.BIND_RECEIVER, SmppCommandId.BIND_TRANSMITTER,
            SmppCommandId.QUERY_SM, SmppCommandId.SUBMIT_SM, SmppCommandId.DELIVER_SM, SmppCommandId.UNBIND,
            SmppCommandId.REPLACE_SM, SmppCommandId.CANCEL_SM, SmppCommandId.BIND_TRANSCEIVER,
            SmppCommandId.ENQUIRE_LINK, SmppCommandId.SUBMIT_MULTI, SmppCommandId.PARAM_RETRIEVE,
            SmppCommandId.QUERY_LAST_MSGS, SmppCommandId.QUERY_MSG_DETAILS, SmppCommandId.DATA_SM};
        for (int id : requestsWithResponse) {
            all.add(SmppCommandId.name(id));
            all.add(SmppCommandId.name(SmppCommandId.responseIdOf(id)));
        }
        assertEquals(all, covered);
    }

    @Test
    void byteArrayContentDecidesEquality() {
        SubmitSm a = ShortMessagePdu.builder().shortMessage(ascii("Hello")).buildSubmitSm();
        SubmitSm b = ShortMessagePdu.builder().shortMessage(ascii("Hello")).buildSubmitSm();
        SubmitSm c = ShortMessagePdu.builder().shortMessage(ascii("Hellp")).buildSubmitSm();
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, c);
        assertNotEquals(a, ShortMessagePdu.builder().shortMessage(ascii("Hello")).buildDeliverSm());
    }

    @Test
    void nullFieldsAreNormalisedToEmpty() {
        SubmitSm sm = new SubmitSm(1, null, null, null, 0, 0, 0, null, null, 0, 0, 0, 0, null, null);
        assertEquals("", sm.serviceType());
        assertEquals(Address.EMPTY, sm.sourceAddr());
        assertEquals(0, sm.shortMessage().length);
        assertEquals(Tlvs.EMPTY, sm.tlvs());
        assertEquals(sm, decode(encode(sm)));
    }

    @Test
    void cStringsAreLatin1OnTheWholeByteRange() {
        String latin1 = "Zoë Müller ÿ\u0080";
        SmppPdu pdu = ShortMessagePdu.builder().sequenceNumber(1).serviceType("é")
                .sourceAddr(Address.of(5, 0, latin1)).destinationAddr(Address.of(1, 1, "123"))
                .shortMessage(ascii("x")).buildSubmitSm();

        SubmitSm decoded = (SubmitSm) decode(encode(pdu));

        assertEquals(latin1, decoded.sourceAddr().address());
        assertEquals("é", decoded.serviceType());
        assertEquals(new SubmitSmResp(2, 0, "ÿé", Tlvs.EMPTY), decode(encode(new SubmitSmResp(2, 0, "ÿé", Tlvs.EMPTY))));
    }
}
