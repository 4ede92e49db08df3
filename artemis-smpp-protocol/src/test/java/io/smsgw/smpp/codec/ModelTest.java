package io.smsgw.smpp.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Names, id arithmetic and the response helpers the acceptor relies on. */
class ModelTest {

    private static final Address ESME = Address.of(1, 1, "8610086");

    @Test
    void commandIdNamesAndResponseBit() {
        assertEquals("submit_sm", SmppCommandId.name(SmppCommandId.SUBMIT_SM));
        assertEquals("generic_nack", SmppCommandId.name(SmppCommandId.GENERIC_NACK));
        assertEquals("query_msg_details_resp", SmppCommandId.name(SmppCommandId.QUERY_MSG_DETAILS_RESP));
        assertEquals("unknown(0x00000099)", SmppCommandId.name(0x99));
        assertTrue(SmppCommandId.isResponse(SmppCommandId.GENERIC_NACK));
        assertTrue(SmppCommandId.isResponse(SmppCommandId.DATA_SM_RESP));
        assertFalse(SmppCommandId.isResponse(SmppCommandId.ALERT_NOTIFICATION));
        assertEquals(SmppCommandId.SUBMIT_MULTI_RESP, SmppCommandId.responseIdOf(SmppCommandId.SUBMIT_MULTI));
        assertFalse(SmppCommandId.isKnown(0x8000000B));
    }

    @Test
    void statusNames() {
        assertEquals("ESME_ROK", SmppStatus.name(0));
        assertEquals("ESME_RINVOPTPARSTREAM", SmppStatus.name(0xC0));
        assertEquals("ESME_RTHROTTLED", SmppStatus.name(0x58));
        assertEquals("VENDOR(0x401)", SmppStatus.name(0x401));
        assertEquals("0x9", SmppStatus.name(0x09));
    }

    @Test
    void bindTypeMapsCommandIdsBothWays() {
        for (BindType type : BindType.values()) {
            assertEquals(type, BindType.ofCommandId(type.requestId()));
            assertEquals(type, BindType.ofCommandId(type.responseId()));
        }
        assertNull(BindType.ofCommandId(SmppCommandId.GENERIC_NACK));
        assertTrue(BindType.TRANSCEIVER.canTransmit() && BindType.TRANSCEIVER.canReceive());
        assertFalse(BindType.RECEIVER.canTransmit());
        assertFalse(BindType.TRANSMITTER.canReceive());
    }

    @Test
    void bindAndOutbindPrintWithoutThePassword() {
        String bind = new BindRequest(1, BindType.TRANSCEIVER, "smppclient1", "s3cret", "VMA", 0x34, 1, 1, "").toString();
        assertFalse(bind.contains("s3cret"), bind);
        assertTrue(bind.contains("systemId=smppclient1") && bind.contains("password=***") && bind.contains("systemType=VMA"), bind);
        assertTrue(new BindRequest(1, BindType.TRANSCEIVER, "smppclient1", "", "", 0x34, 1, 1, "").toString()
                .contains("password=,"), "an empty password shows as empty");
        String outbind = new Outbind(2, "SMSC", "s3cret").toString();
        assertFalse(outbind.contains("s3cret"), outbind);
        assertTrue(outbind.contains("systemId=SMSC"), outbind);
    }

    @Test
    void everyRequestBuildsAnErrorResponseWithItsSequenceNumber() {
        List<SmppRequest> requests = List.of(
                new BindRequest(1, BindType.RECEIVER, "", "", "", 0x34, 0, 0, ""),
                new Outbind(2, "", ""), new Unbind(3), new EnquireLink(4),
                ShortMessagePdu.builder().sequenceNumber(5).buildSubmitSm(),
                ShortMessagePdu.builder().sequenceNumber(6).buildDeliverSm(),
                new DataSm(7, "", ESME, ESME, 0, 0, 0, null), new QuerySm(8, "id", ESME),
                new CancelSm(9, "", "id", ESME, ESME), new ReplaceSm(10, "id", ESME, "", "", 0, 0, null),
                new SubmitMulti(11, "", ESME, null, 0, 0, 0, "", "", 0, 0, 0, 0, null, null),
                new AlertNotification(12, ESME, ESME, null), new ParamRetrieve(13, "p"),
                new QueryLastMsgs(14, ESME, 1), new QueryMsgDetails(15, "id", ESME, 0));
        for (SmppRequest request : requests) {
            SmppResponse response = request.errorResponse(SmppStatus.ESME_RINVBNDSTS);
            assertEquals(request.sequenceNumber(), response.sequenceNumber(), request.commandName());
            assertEquals(SmppStatus.ESME_RINVBNDSTS, response.commandStatus(), request.commandName());
            assertFalse(response.isOk());
            boolean hasOwnResponse = !(request instanceof Outbind || request instanceof AlertNotification);
            int expectedId = hasOwnResponse
                    ? SmppCommandId.responseIdOf(request.commandId())
                    : SmppCommandId.GENERIC_NACK;
            assertEquals(expectedId, response.commandId(), request.commandName());
            assertEquals(0, request.commandStatus());
        }
    }

    @Test
    void successResponsesCarryTheGivenValues() {
        QuerySmResp query = new QuerySm(8, "a1b2c3d4", ESME).response(0, "251126134600", 2, 0);
        assertEquals(new QuerySmResp(8, 0, "a1b2c3d4", "251126134600", 2, 0), query);

        SubmitMultiResp multi = new SubmitMulti(11, "", ESME, null, 0, 0, 0, "", "", 0, 0, 0, 0, null, null)
                .response(0, "m1", List.of(new UnsuccessfulDelivery(ESME, SmppStatus.ESME_RINVDSTADR)));
        assertEquals(1, multi.unsuccessSmes().size());
        assertTrue(multi.isOk());

        DataSmResp data = new DataSm(7, "", ESME, ESME, 0, 0, 0, null).response(0, "d1");
        assertEquals("d1", data.messageId());
        SubmitSmResp submit = assertInstanceOf(SubmitSmResp.class,
                ShortMessagePdu.builder().sequenceNumber(5).buildSubmitSm().response(0, "s1"));
        assertEquals(new SubmitSmResp(5, 0, "s1", Tlvs.EMPTY), submit);
    }
}
