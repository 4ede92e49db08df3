package io.smsgw.cmpp.codec;

import static io.smsgw.cmpp.codec.CmppVersion.V20;
import static io.smsgw.cmpp.codec.CmppVersion.V30;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Versions, command ids, timestamps and the record conveniences. */
class ModelTest {

    @Test
    void versionBytes() {
        assertEquals(V20, CmppVersion.fromByte(0x20));
        assertEquals(V20, CmppVersion.fromByte(0x21));
        assertEquals(V30, CmppVersion.fromByte(0x30));
        assertEquals(0x20, V20.code());
        assertEquals(0x30, V30.code());
        for (int code : new int[] {0, 0x13, 0x22, 0x31, 0x7F, 0xFF}) {
            assertFalse(CmppVersion.isKnown(code));
            assertThrows(IllegalArgumentException.class, () -> CmppVersion.fromByte(code));
        }
    }

    @Test
    void whatDiffersPerVersion() {
        assertEquals(List.of(1, 21, 0, 8, 60), List.of(V20.resultLength(), V20.terminalIdLength(), V20.linkIdLength(),
                V20.reserveLength(), V20.statusReportLength()));
        assertEquals(List.of(4, 32, 20, 0, 71), List.of(V30.resultLength(), V30.terminalIdLength(),
                V30.linkIdLength(), V30.reserveLength(), V30.statusReportLength()));
        assertFalse(V20.hasTerminalTypes());
        assertTrue(V30.hasTerminalTypes());
    }

    @Test
    void commandIds() {
        assertEquals("CMPP_SUBMIT", CmppCommandId.name(CmppCommandId.SUBMIT));
        assertEquals("CMPP_GET_MO_ROUTE_RESP", CmppCommandId.name(CmppCommandId.GET_MO_ROUTE_RESP));
        assertEquals("unknown(0x0000000a)", CmppCommandId.name(0x0A));
        assertTrue(CmppCommandId.isResponse(CmppCommandId.FWD_RESP));
        assertFalse(CmppCommandId.isResponse(CmppCommandId.FWD));
        assertEquals(CmppCommandId.PUSH_MO_ROUTE_UPDATE_RESP,
                CmppCommandId.responseIdOf(CmppCommandId.PUSH_MO_ROUTE_UPDATE));
        assertFalse(CmppCommandId.isKnown(0x03));
        assertEquals("CMPP_ACTIVE_TEST_RESP", new ActiveTestResp(1, 0).commandName());
    }

    @Test
    void everyRequestIdHasAResponseId() {
        for (CmppPdu pdu : SamplePdus.all(V30)) {
            int id = pdu.commandId();
            int partner = CmppCommandId.isResponse(id) ? id & ~CmppCommandId.RESPONSE_BIT
                    : CmppCommandId.responseIdOf(id);
            assertTrue(CmppCommandId.isKnown(partner), CmppCommandId.name(id));
            assertEquals(pdu instanceof CmppResponse, CmppCommandId.isResponse(id));
        }
    }

    @Test
    void refusalsAnswerWithTheMatchingResponse() {
        for (CmppPdu pdu : SamplePdus.all(V30)) {
            if (pdu instanceof CmppRefusableRequest request) {
                CmppResponse response = request.errorResponse(7);
                assertEquals(CmppCommandId.responseIdOf(request.commandId()), response.commandId());
                assertEquals(request.sequenceId(), response.sequenceId());
            }
        }
        Submit submit = SamplePdus.submit(V30, 5);
        assertEquals(new SubmitResp(5, 0L, CmppResult.FLOW_CONTROL_ERROR),
                submit.errorResponse(CmppResult.FLOW_CONTROL_ERROR));
        Fwd fwd = SamplePdus.fwd(V20, 6);
        assertEquals(new FwdResp(6, fwd.msgId(), 1, 1, CmppResult.FWD_WRONG_DECISION),
                fwd.errorResponse(CmppResult.FWD_WRONG_DECISION));
        assertEquals(new MtRouteUpdateResp(14, 5, 0L, ""),
                new MtRouteUpdate(14, 0, 0L, "", "", 0, "", "", "", 0).errorResponse(5));
        assertEquals(new ActiveTestResp(3, 0), new ActiveTest(3).response());
        assertEquals(new TerminateResp(3), new Terminate(3).response());
        assertEquals(new CancelResp(3, CmppResult.CANCEL_FAILURE),
                new Cancel(3, 1L).response(CmppResult.CANCEL_FAILURE));
    }

    @Test
    void udhiAcceptsBothConventions() {
        assertTrue(new Deliver(1, 0L, "", "", 0, 1, 0, "", 0, 0, null, "", "").hasUdh());
        assertTrue(new Deliver(1, 0L, "", "", 0, 0x40, 0, "", 0, 0, null, "", "").hasUdh());
        assertFalse(new Deliver(1, 0L, "", "", 0, 0, 0, "", 0, 0, null, "", "").hasUdh());
        assertTrue(SamplePdus.submit(V20, 1).hasUdh());
    }

    @Test
    void recordsWithBytesCompareByContent() {
        assertEquals(SamplePdus.submit(V30, 1), SamplePdus.submit(V30, 1));
        assertEquals(SamplePdus.submit(V30, 1).hashCode(), SamplePdus.submit(V30, 1).hashCode());
        assertNotEquals(SamplePdus.submit(V30, 1), SamplePdus.submit(V20, 1));
        assertEquals(SamplePdus.fwd(V30, 1), SamplePdus.fwd(V30, 1));
        assertEquals(new Connect(1, "a", new byte[] {1}, 0x30, 1L), new Connect(1, "a", new byte[] {1}, 0x30, 1L));
        assertNotEquals(new ConnectResp(1, 0, new byte[] {1}, 0x30), new ConnectResp(1, 0, new byte[] {2}, 0x30));
        assertTrue(SamplePdus.moDeliver(V20, 1).toString().contains("msgId=bd36d78003e90001"));
        String connect = new Connect(1, "a", new byte[] {(byte) 0xAB, (byte) 0xCD}, 0x30, 1L).toString();
        assertFalse(connect.contains("abcd"), "with Source_Addr and Timestamp it would let secrets be tried offline: " + connect);
        assertTrue(connect.contains("sourceAddr=a") && connect.contains("timestamp=1"), connect);
    }

    @Test
    void timestamps() {
        LocalDateTime time = LocalDateTime.of(2002, 10, 21, 8, 5, 10);
        assertEquals(1021080510L, CmppTimestamp.of(time));
        assertEquals(102030405L, CmppTimestamp.of(LocalDateTime.of(2025, 1, 2, 3, 4, 5)));
        assertEquals("0102030405", CmppTimestamp.toText(102030405L));
        assertEquals("1021080510", CmppTimestamp.toText(1021080510L));
        assertThrows(IllegalArgumentException.class, () -> CmppTimestamp.toText(-1));
        Clock clock = Clock.fixed(Instant.parse("2025-11-26T13:45:30Z"), ZoneOffset.ofHours(8));
        assertEquals(1126214530L, CmppTimestamp.now(clock));
        assertTrue(CmppTimestamp.isValid(1021080510L));
        assertTrue(CmppTimestamp.isValid(1231235959L));
        assertFalse(CmppTimestamp.isValid(1321080510L));
        assertFalse(CmppTimestamp.isValid(1000080510L));
        assertFalse(CmppTimestamp.isValid(1021240510L));
        assertFalse(CmppTimestamp.isValid(1021086010L));
        assertFalse(CmppTimestamp.isValid(1021080560L));
        assertEquals("2511261345", CmppTimestamp.reportTime(LocalDateTime.of(2025, 11, 26, 13, 45, 59)));
        assertEquals("0001020304", CmppTimestamp.reportTime(LocalDateTime.of(2000, 1, 2, 3, 4)));
    }
}
