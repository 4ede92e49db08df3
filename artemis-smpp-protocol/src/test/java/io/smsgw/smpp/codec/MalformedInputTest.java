package io.smsgw.smpp.codec;

import static io.smsgw.smpp.codec.TestBytes.decode;
import static io.smsgw.smpp.codec.TestBytes.decodeHex;
import static io.smsgw.smpp.codec.TestBytes.encode;
import static io.smsgw.smpp.codec.TestBytes.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Broken frames decode to a MalformedPdu with the status the peer should be answered with. */
class MalformedInputTest {

    private static final String SUBMIT_SM_HELLO = "0000003a0000000400000000000000020001013836313030383600010138363133"
            + "38303031333830303000000000000001000000" + "0548656c6c6f";
    private static final String DELIVER_SM_RECEIPT_34 = "000000b00000000500000000000000070001013836313338303031333830"
            + "303000010138363130303836000400000000000000006969643a6131623263336434207375623a30303120646c7672643a303031"
            + "207375626d697420646174653a3235313132363133343520646f6e6520646174653a3235313132363133343620737461743a4445"
            + "4c49565244206572723a30303020746578743a48656c6c6f001e00096131623263336434000427000102";

    /** Builds a frame from header fields and a body, with a correct command_length. */
    private static byte[] frame(int commandId, int status, int seq, byte[] body) {
        return ByteBuffer.allocate(16 + body.length).putInt(16 + body.length).putInt(commandId).putInt(status)
                .putInt(seq).put(body).array();
    }

    /** Cuts a valid frame to {@code length} bytes and fixes command_length so only the body is short. */
    private static byte[] truncated(byte[] frame, int length) {
        byte[] cut = Arrays.copyOf(frame, length);
        if (length >= 4) {
            ByteBuffer.wrap(cut).putInt(0, length);
        }
        return cut;
    }

    private static MalformedPdu malformed(byte[] frame) {
        SmppPdu pdu = decode(frame);
        return assertInstanceOf(MalformedPdu.class, pdu, () -> "expected MalformedPdu, got " + pdu);
    }

    @Test
    void truncatedBodyAnswersInvalidCommandLength() {
        byte[] full = hex(SUBMIT_SM_HELLO);
        MalformedPdu pdu = malformed(truncated(full, 30)); // ends inside source_addr
        assertEquals(SmppCommandId.SUBMIT_SM, pdu.commandId());
        assertEquals(2, pdu.sequenceNumber());
        assertEquals(SmppStatus.ESME_RINVCMDLEN, pdu.errorStatus());
        assertEquals(new GenericNack(2, SmppStatus.ESME_RINVCMDLEN), pdu.genericNack());
    }

    @Test
    void cStringWithoutNulAnswersInvalidCommandLength() {
        MalformedPdu pdu = malformed(frame(SmppCommandId.BIND_TRANSMITTER, 0, 5, TestBytes.ascii("smppclient1")));
        assertEquals(SmppStatus.ESME_RINVCMDLEN, pdu.errorStatus());
        assertTrue(pdu.reason().contains("system_id"), pdu.reason());
    }

    @Test
    void fieldBeyondTheFrameAnswersInvalidCommandLength() {
        // bind_transmitter whose body stops right after interface_version: addr_ton is missing
        MalformedPdu pdu = malformed(frame(SmppCommandId.BIND_TRANSMITTER, 0, 5, hex("6100620000" + "34")));
        assertEquals(SmppStatus.ESME_RINVCMDLEN, pdu.errorStatus());
        assertTrue(pdu.reason().contains("addr_ton"), pdu.reason());
    }

    @Test
    void smLengthBeyondTheRemainingBytesAnswersInvalidMessageLength() {
        byte[] frame = hex(SUBMIT_SM_HELLO);
        frame[frame.length - 6] = 10; // sm_length says 10, only "Hello" follows
        MalformedPdu pdu = malformed(frame);
        assertEquals(SmppStatus.ESME_RINVMSGLEN, pdu.errorStatus());
        assertEquals(2, pdu.sequenceNumber());
    }

    @Test
    void tlvLengthBeyondTheFrameAnswersOptionalParameterStreamError() {
        byte[] frame = hex(DELIVER_SM_RECEIPT_34);
        // last TLV is message_state: tag 0427, length 0001, value 02; claim 5 value bytes instead of 1
        ByteBuffer.wrap(frame).putShort(frame.length - 3, (short) 5);
        MalformedPdu pdu = malformed(frame);
        assertEquals(SmppStatus.ESME_RINVOPTPARSTREAM, pdu.errorStatus());
        assertEquals(SmppCommandId.DELIVER_SM, pdu.commandId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"00", "0004", "000427"})
    void garbageAfterTheLastTlvAnswersOptionalParameterStreamError(String garbage) {
        byte[] frame = hex(SUBMIT_SM_HELLO + garbage);
        ByteBuffer.wrap(frame).putInt(0, frame.length);
        assertEquals(SmppStatus.ESME_RINVOPTPARSTREAM, malformed(frame).errorStatus());
    }

    @Test
    void unknownCommandIdAnswersInvalidCommandId() {
        MalformedPdu pdu = malformed(hex("00000010000000990000000000000042"));
        assertEquals(0x99, pdu.commandId());
        assertEquals(0x42, pdu.sequenceNumber());
        assertEquals(SmppStatus.ESME_RINVCMDID, pdu.errorStatus());
        assertEquals(new GenericNack(0x42, SmppStatus.ESME_RINVCMDID), pdu.genericNack());
    }

    @Test
    void unknownCommandIdWithBodyAndUnknownResponseIdAreRejectedToo() {
        assertEquals(SmppStatus.ESME_RINVCMDID,
                malformed(frame(0x00000104, 0, 1, new byte[] {1, 2, 3})).errorStatus());
        MalformedPdu response = malformed(frame(0x8000000B, 0, 1, new byte[0]));
        assertEquals(SmppStatus.ESME_RINVCMDID, response.errorStatus());
        assertTrue(response.isResponse());
    }

    @ParameterizedTest
    @ValueSource(ints = {SmppCommandId.BIND_TRANSMITTER, SmppCommandId.BIND_RECEIVER, SmppCommandId.BIND_TRANSCEIVER,
        SmppCommandId.OUTBIND, SmppCommandId.SUBMIT_SM, SmppCommandId.DELIVER_SM, SmppCommandId.DATA_SM,
        SmppCommandId.QUERY_SM, SmppCommandId.CANCEL_SM, SmppCommandId.REPLACE_SM, SmppCommandId.SUBMIT_MULTI,
        SmppCommandId.ALERT_NOTIFICATION, SmppCommandId.PARAM_RETRIEVE, SmppCommandId.QUERY_LAST_MSGS,
        SmppCommandId.QUERY_MSG_DETAILS, SmppCommandId.SUBMIT_SM_RESP, SmppCommandId.BIND_TRANSCEIVER_RESP,
        SmppCommandId.QUERY_SM_RESP})
    void headerOnlyFrameOfAPduThatNeedsABodyAnswersInvalidCommandLength(int commandId) {
        MalformedPdu pdu = malformed(frame(commandId, 0, 77, new byte[0]));
        assertEquals(commandId, pdu.commandId());
        assertEquals(77, pdu.sequenceNumber());
        assertEquals(SmppStatus.ESME_RINVCMDLEN, pdu.errorStatus());
    }

    @ParameterizedTest
    @ValueSource(ints = {SmppCommandId.BIND_TRANSMITTER_RESP, SmppCommandId.SUBMIT_SM_RESP,
        SmppCommandId.DELIVER_SM_RESP, SmppCommandId.DATA_SM_RESP, SmppCommandId.SUBMIT_MULTI_RESP,
        SmppCommandId.QUERY_SM_RESP, SmppCommandId.PARAM_RETRIEVE_RESP, SmppCommandId.QUERY_LAST_MSGS_RESP,
        SmppCommandId.QUERY_MSG_DETAILS_RESP})
    void errorResponseWithoutBodyIsAccepted(int commandId) {
        SmppPdu pdu = decode(frame(commandId, SmppStatus.ESME_RSYSERR, 8, new byte[0]));
        SmppResponse response = assertInstanceOf(SmppResponse.class, pdu);
        assertEquals(commandId, response.commandId());
        assertEquals(SmppStatus.ESME_RSYSERR, response.commandStatus());
        assertEquals(8, response.sequenceNumber());
    }

    @Test
    void frameShorterThanTheHeaderAnswersInvalidCommandLength() {
        MalformedPdu pdu = malformed(hex("0000000c0000001500000000"));
        assertEquals(SmppStatus.ESME_RINVCMDLEN, pdu.errorStatus());
        assertEquals(SmppCommandId.ENQUIRE_LINK, pdu.commandId());
        assertEquals(SmppStatus.ESME_RINVCMDLEN, malformed(hex("00000004")).errorStatus());
    }

    @Test
    void commandLengthThatDisagreesWithTheFrameAnswersInvalidCommandLength() {
        byte[] frame = hex(SUBMIT_SM_HELLO);
        ByteBuffer.wrap(frame).putInt(0, frame.length + 1);
        MalformedPdu pdu = malformed(frame);
        assertEquals(SmppStatus.ESME_RINVCMDLEN, pdu.errorStatus());
        assertEquals(2, pdu.sequenceNumber());
    }

    @Test
    void unknownDestFlagInSubmitMultiAnswersInvalidDestinationFlag() {
        SubmitMulti multi = new SubmitMulti(3, "", Address.EMPTY,
                List.of(new DestinationAddress.DistributionList("dl")), 0, 0, 0, "", "", 0, 0, 0, 0, new byte[0], null);
        byte[] frame = encode(multi);
        int destFlagOffset = 16 + 1 + 3 + 1; // service_type, source addr (ton, npi, NUL), number_of_dests
        frame[destFlagOffset] = 7;
        assertEquals(SmppStatus.ESME_RINVDESTFLAG, malformed(frame).errorStatus());
    }

    @Test
    void unknownTlvsAreKeptAndHeaderOnlyPdusIgnoreTrailingBytes() {
        byte[] withVendorTlv = hex(SUBMIT_SM_HELLO + "14000002abcd");
        ByteBuffer.wrap(withVendorTlv).putInt(0, withVendorTlv.length);
        SubmitSm sm = (SubmitSm) decode(withVendorTlv);
        assertEquals(new Tlv((short) 0x1400, hex("abcd")), sm.tlvs().get((short) 0x1400));

        assertEquals(new EnquireLink(9), decodeHex("00000012000000150000000000000009abcd"));
    }

    @Test
    void everyTruncationOfEveryVectorDecodesWithoutThrowing() {
        for (String vector : List.of(SUBMIT_SM_HELLO, DELIVER_SM_RECEIPT_34,
                "0000002f000000020000000000000001534d50503354455354007365637265743038005355424d4954310000010100",
                "0000001b800000090000000000000001534d534757000210000134")) {
            byte[] full = hex(vector);
            for (int length = 0; length < full.length; length++) {
                SmppPdu pdu = decode(truncated(full, length));
                if (pdu instanceof MalformedPdu m) {
                    assertTrue(Set.of(SmppStatus.ESME_RINVCMDLEN, SmppStatus.ESME_RINVMSGLEN,
                            SmppStatus.ESME_RINVOPTPARSTREAM).contains(m.errorStatus()), m.toString());
                }
            }
        }
    }

    @Test
    void randomlyCorruptedFramesNeverThrowAndAreFullyConsumed() {
        Random random = new Random(20251126L);
        byte[] original = hex(DELIVER_SM_RECEIPT_34);
        for (int round = 0; round < 5000; round++) {
            byte[] frame = original.clone();
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                frame[4 + random.nextInt(frame.length - 4)] = (byte) random.nextInt(256); // keep command_length
            }
            ByteBuf buf = Unpooled.wrappedBuffer(frame);
            SmppPdu pdu = SmppCodec.decode(buf);
            assertTrue(pdu != null);
            assertEquals(0, buf.readableBytes());
        }
    }
}
