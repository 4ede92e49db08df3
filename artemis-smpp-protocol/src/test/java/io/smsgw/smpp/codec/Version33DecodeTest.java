package io.smsgw.smpp.codec;

import static io.smsgw.smpp.codec.TestBytes.ascii;
import static io.smsgw.smpp.codec.TestBytes.encode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.List;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/**
 * Read for SMPP 3.3, which has no TLVs, the bytes after a PDU's mandatory body are ignored and no PDU carries TLVs;
 * read for 3.4 (the default) they are TLVs, as before.
 */
class Version33DecodeTest {

    private static final Address SOURCE = Address.of(1, 1, "8610086");
    private static final Address HANDSET = Address.of(1, 1, "8613800138000");

    /** {@code frame} with {@code trailing} appended and counted in command_length. */
    private static byte[] withTrailing(byte[] frame, byte... trailing) {
        return ByteBuffer.allocate(frame.length + trailing.length).put(frame).put(trailing)
                .putInt(0, frame.length + trailing.length).array();
    }

    private static SmppPdu decode(byte[] frame, boolean version34) {
        return SmppCodec.decode(Unpooled.wrappedBuffer(frame), version34);
    }

    @Test
    void aStrayNulAfterShortMessageIsIgnoredFor33AndABrokenTlvFor34() {
        SubmitSm submit = ShortMessagePdu.builder().sequenceNumber(7).sourceAddr(SOURCE).destinationAddr(HANDSET)
                .shortMessage(ascii("Hello")).buildSubmitSm();
        byte[] frame = withTrailing(encode(submit), (byte) 0);

        assertEquals(submit, decode(frame, false));
        MalformedPdu malformed = assertInstanceOf(MalformedPdu.class, decode(frame, true));
        assertEquals(SmppStatus.ESME_RINVOPTPARSTREAM, malformed.errorStatus());
        assertEquals(SmppStatus.ESME_RINVOPTPARSTREAM,
                assertInstanceOf(MalformedPdu.class, SmppCodec.decode(Unpooled.wrappedBuffer(frame))).errorStatus(),
                "the decoder without a version reads 3.4, as before");
    }

    @Test
    void wellFormedTlvsAreNotReadFor33() {
        Tlvs payload = Tlvs.builder().add(TlvTag.MESSAGE_PAYLOAD, ascii("payload")).build();
        SubmitSm withTlv = ShortMessagePdu.builder().sequenceNumber(1).sourceAddr(SOURCE).destinationAddr(HANDSET)
                .shortMessage(ascii("text")).tlvs(payload).buildSubmitSm();
        SubmitSm read33 = assertInstanceOf(SubmitSm.class, decode(encode(withTlv), false));
        assertSame(Tlvs.EMPTY, read33.tlvs());
        assertArrayEquals(ascii("text"), read33.shortMessage());
        assertEquals(withTlv, decode(encode(withTlv), true));

        DeliverSm deliver = ShortMessagePdu.builder().sequenceNumber(2).sourceAddr(HANDSET).destinationAddr(SOURCE)
                .shortMessage(ascii("MO")).buildDeliverSm();
        assertEquals(deliver, decode(withTrailing(encode(deliver), (byte) 0, (byte) 0x0D), false));

        SubmitMulti multi = new SubmitMulti(3, "", SOURCE, List.of(new DestinationAddress.Sme(HANDSET)), 0, 0, 0, "", "", 0,
                0, 0, 0, ascii("multi"), Tlvs.EMPTY);
        assertEquals(multi, decode(withTrailing(encode(multi), (byte) 0), false));

        SubmitSmResp resp = new SubmitSmResp(4, SmppStatus.ESME_ROK, "1a2b3c4d", Tlvs.EMPTY);
        assertEquals(resp, decode(withTrailing(encode(resp), (byte) 0), false));
        assertEquals(resp, SmppCodec.decodeAnswersLeniently(Unpooled.wrappedBuffer(withTrailing(encode(resp), (byte) 0)), false));
    }

    @Test
    void aPerChannelDecoderSwitchesVersionAndASharedOneCannot() {
        SubmitSm submit = ShortMessagePdu.builder().sequenceNumber(7).sourceAddr(SOURCE).destinationAddr(HANDSET)
                .shortMessage(ascii("Hello")).buildSubmitSm();
        byte[] frame = withTrailing(encode(submit), (byte) 0);
        SmppPduDecoder decoder = new SmppPduDecoder(false, false);
        EmbeddedChannel channel = new EmbeddedChannel(SmppCodec.newFrameDecoder(4096), decoder);
        try {
            channel.writeInbound(Unpooled.wrappedBuffer(frame));
            assertEquals(submit, channel.readInbound());
            SmppPduDecoder.version34(channel, true);
            channel.writeInbound(Unpooled.wrappedBuffer(frame));
            assertInstanceOf(MalformedPdu.class, channel.readInbound());
        } finally {
            channel.finishAndReleaseAll();
        }
        assertEquals(false, decoder.isSharable(), "it belongs to one channel");
        SmppPduDecoder shared = new SmppPduDecoder();
        assertEquals(true, shared.isSharable());
        assertThrows(IllegalStateException.class, () -> shared.version34(false));
    }

    @Test
    void tlvStatusesBecomeASystemErrorFor33() {
        for (int status = SmppStatus.ESME_RINVOPTPARSTREAM; status <= SmppStatus.ESME_RINVOPTPARAMVAL; status++) {
            assertEquals(SmppStatus.ESME_RSYSERR, SmppStatus.forVersion33(status), SmppStatus.name(status));
        }
        for (int status : new int[] {SmppStatus.ESME_ROK, SmppStatus.ESME_RINVMSGLEN, SmppStatus.ESME_RINVDFTMSGID,
                                     0xBF, 0xC5, 0x401}) {
            assertEquals(status, SmppStatus.forVersion33(status));
        }
    }
}
