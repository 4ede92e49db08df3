package io.smsgw.smpp.codec;

import static io.smsgw.smpp.codec.TestBytes.ascii;
import static io.smsgw.smpp.codec.TestBytes.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * The SMSC link reads sloppy answers (an id without its NUL, an empty body, bytes after the id that are no TLV) as far
 * as they make sense; the acceptor's decoder still refuses every one of them.
 */
class LenientAnswersTest {

    private static byte[] frame(int commandId, int status, int seq, byte[] body) {
        return ByteBuffer.allocate(16 + body.length).putInt(16 + body.length).putInt(commandId).putInt(status)
                .putInt(seq).put(body).array();
    }

    private static SmppPdu lenient(byte[] frame) {
        ByteBuf buf = Unpooled.wrappedBuffer(frame);
        try {
            return SmppCodec.decodeAnswersLeniently(buf);
        } finally {
            buf.release();
        }
    }

    /** What the link reads, after checking the acceptor's decoder still calls the frame malformed. */
    private static SmppPdu strictRefusesLinkReads(byte[] frame) {
        assertInstanceOf(MalformedPdu.class, TestBytes.decode(frame), "the strict decoder refuses it");
        return lenient(frame);
    }

    @Test
    void aMessageIdWithoutNulEndsAtTheEndOfTheFrame() {
        SmppPdu pdu = strictRefusesLinkReads(frame(SmppCommandId.SUBMIT_SM_RESP, 0, 7, ascii("a1b2c3")));
        assertEquals(new SubmitSmResp(7, 0, "a1b2c3", Tlvs.EMPTY), pdu);
    }

    @Test
    void anAcceptingAnswerWithAnEmptyBodyHasAnEmptyId() {
        SmppPdu pdu = strictRefusesLinkReads(frame(SmppCommandId.SUBMIT_SM_RESP, 0, 8, new byte[0]));
        assertEquals(new SubmitSmResp(8, 0, "", Tlvs.EMPTY), pdu);
    }

    @Test
    void bytesAfterTheIdThatAreNoTlvAreIgnoredAndTheTlvsBeforeThemKept() {
        SmppPdu padded = strictRefusesLinkReads(frame(SmppCommandId.SUBMIT_SM_RESP, 0, 9, hex("616200" + "00")));
        assertEquals(new SubmitSmResp(9, 0, "ab", Tlvs.EMPTY), padded);

        // a receipted_message_id TLV, then two stray bytes
        SmppPdu withTlv = strictRefusesLinkReads(frame(SmppCommandId.DELIVER_SM_RESP, 0, 10, hex("00" + "001e0002" + "7800" + "0000")));
        DeliverSmResp resp = assertInstanceOf(DeliverSmResp.class, withTlv);
        assertEquals(1, resp.tlvs().size());
    }

    @Test
    void aThrottlingAnswerWhoseIdLacksItsNulKeepsItsStatus() {
        SmppPdu pdu = strictRefusesLinkReads(frame(SmppCommandId.SUBMIT_SM_RESP, SmppStatus.ESME_RTHROTTLED, 11, ascii("0")));
        assertEquals(new SubmitSmResp(11, SmppStatus.ESME_RTHROTTLED, "0", Tlvs.EMPTY), pdu);
    }

    @Test
    void aBindResponseWhoseSystemIdLacksItsNulBinds() {
        SmppPdu pdu = strictRefusesLinkReads(frame(SmppCommandId.BIND_TRANSCEIVER_RESP, 0, 1, ascii("SMSC")));
        BindResponse bound = assertInstanceOf(BindResponse.class, pdu);
        assertEquals("SMSC", bound.systemId());
        assertEquals(BindType.TRANSCEIVER, bound.bindType());
        assertEquals(0, bound.commandStatus());
    }

    @Test
    void requestsAndWellFormedAnswersReadAsStrictlyAsEver() {
        byte[] bind = frame(SmppCommandId.BIND_TRANSMITTER, 0, 5, ascii("smppclient1"));
        assertInstanceOf(MalformedPdu.class, lenient(bind), "a request is not read leniently");
        byte[] good = frame(SmppCommandId.SUBMIT_SM_RESP, 0, 12, hex("616200"));
        assertEquals(TestBytes.decode(good), lenient(good));
    }
}
