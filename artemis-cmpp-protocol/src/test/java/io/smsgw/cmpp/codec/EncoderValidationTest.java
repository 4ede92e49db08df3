package io.smsgw.cmpp.codec;

import static io.smsgw.cmpp.codec.CmppVersion.V20;
import static io.smsgw.cmpp.codec.CmppVersion.V30;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Unrepresentable values are programming errors: IllegalArgumentException, and nothing written. */
class EncoderValidationTest {

    private static void assertRefused(CmppPdu pdu, CmppVersion version, String fieldInMessage) {
        ByteBuf out = Unpooled.buffer();
        try {
            out.writeByte(0x42);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CmppCodec.encode(pdu, version, out));
            assertTrue(e.getMessage().contains(fieldInMessage), e.getMessage());
            assertEquals(1, out.writerIndex(), "nothing may be left in the buffer");
        } finally {
            out.release();
        }
    }

    private static Submit submit(String feeTerminalId, List<String> dests, byte[] content, int registeredDelivery) {
        return new Submit(1, 0L, 1, 1, registeredDelivery, 0, "TEST", 0, feeTerminalId, 0, 0, 0, 0, "901234", "01",
                "0", "", "", "1065", dests, 0, content, "", "");
    }

    @Test
    void stringsLongerThanTheirWidth() {
        assertRefused(new Connect(1, "9012345", new byte[16], 0x30, 0L), V30, "Source_Addr");
        assertRefused(submit("1".repeat(22), List.of("1"), null, 0), V20, "Fee_terminal_Id");
        assertRefused(submit("1".repeat(33), List.of("1"), null, 0), V30, "Fee_terminal_Id");
        assertRefused(submit("", List.of("2".repeat(22)), null, 0), V20, "Dest_terminal_Id");
        assertRefused(new MtRoute(1, "022001", "1".repeat(22)), V20, "Terminal_Id");
        assertRefused(new MtRouteResp(1, 0L, "", "1000.1000.1000.1", 0, "", "", "", 0, 0, ""), V20, "Gateway_IP");
        Deliver deliver = new Deliver(1, 1L, "", "", 0, 0, 0, "", 0, 0, null, "L".repeat(21), "");
        assertRefused(deliver, V30, "LinkID");
        Deliver deliver20 = new Deliver(1, 1L, "", "", 0, 0, 0, "", 0, 0, null, "", "R".repeat(9));
        assertRefused(deliver20, V20, "Reserve");
    }

    @Test
    void widthsExactlyFullAreAccepted() {
        ByteBuf out = Unpooled.buffer();
        try {
            CmppCodec.encode(submit("1".repeat(21), List.of("2".repeat(21)), null, 0), V20, out);
            CmppCodec.encode(submit("1".repeat(32), List.of("2".repeat(32)), null, 0), V30, out);
            assertTrue(out.readableBytes() > 0);
        } finally {
            out.release();
        }
    }

    @Test
    void nulAndNonLatin1Characters() {
        assertRefused(new MtRoute(1, "02\u00002", ""), V30, "Source_Id");
        assertRefused(new MtRoute(1, "\u4e2d", ""), V30, "Source_Id");
    }

    @Test
    void integersOutsideTheirField() {
        assertRefused(submit("", List.of(), null, 256), V30, "Registered_Delivery");
        assertRefused(new SubmitResp(1, 1L, 256), V20, "Result");
        assertRefused(new ConnectResp(1, -1, null, 0x30), V20, "Status");
        assertRefused(new Connect(1, "901234", null, 0x30, 1L << 32), V30, "Timestamp");
        assertRefused(new MtRouteResp(1, -1L, "", "", 0, "", "", "", 0, 0, ""), V30, "Route_Id");
        assertRefused(new MtRouteResp(1, 0L, "", "", 65536, "", "", "", 0, 0, ""), V30, "Gateway_port");
        assertRefused(new PushMtRouteUpdateResp(1, 300), V30, "Result");
    }

    @Test
    void fourOctetResultsTakeAnyInt() {
        SubmitResp resp = new SubmitResp(1, 1L, -1);
        assertEquals(resp, TestBytes.decode(TestBytes.encode(resp, V30), V30));
    }

    @Test
    void tooManyRecipientsOrOctets() {
        List<String> recipients = new ArrayList<>(Collections.nCopies(256, "13800138000"));
        assertRefused(submit("", recipients, null, 0), V20, "DestUsr_tl");
        assertRefused(submit("", List.of("1"), new byte[256], 0), V30, "Msg_Length");
        assertRefused(new Connect(1, "901234", new byte[17], 0x30, 0L), V30, "AuthenticatorSource");
    }

    @Test
    void shortAuthenticatorsAreZeroPadded() {
        ConnectResp refusal = new Connect(3, "901234", null, 0x30, 0L)
                .errorResponse(CmppResult.CONNECT_AUTHENTICATION_ERROR);
        ConnectResp decoded = (ConnectResp) TestBytes.decode(TestBytes.encode(refusal, V30), V30);
        assertEquals(new ConnectResp(3, CmppResult.CONNECT_AUTHENTICATION_ERROR, new byte[16], 0x30), decoded);
    }

    @Test
    void malformedPdusCannotBeEncoded() {
        assertRefused(new MalformedCmppPdu(CmppCommandId.SUBMIT, 1, "cut", MalformedCmppPdu.Kind.TRUNCATED), V30,
                "MalformedCmppPdu");
    }

    @Test
    void nullsBecomeEmpty() {
        Submit submit = new Submit(1, 0L, 0, 0, 0, 0, null, 0, null, 0, 0, 0, 0, null, null, null, null, null,
                null, null, 0, null, null, null);
        assertEquals("", submit.serviceId());
        assertEquals(List.of(), submit.destTerminalIds());
        assertEquals(0, submit.msgContent().length);
        assertEquals(submit, TestBytes.decode(TestBytes.encode(submit, V20), V20));
    }
}
