package io.smsgw.smpp.codec;

import static io.smsgw.smpp.codec.TestBytes.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The decoder reads heap frames through their backing array and copies other frames once; whatever
 * the buffer kind, a frame must decode to the same PDU (or the same MalformedPdu) and be consumed.
 */
class FrameBufferKindsTest {

    private static final String SUBMIT_SM_HELLO = "0000003a0000000400000000000000020001013836313030383600010138363133"
            + "38303031333830303000000000000001000000" + "0548656c6c6f";
    private static final String DELIVER_SM_RECEIPT_34 = "000000b00000000500000000000000070001013836313338303031333830"
            + "303000010138363130303836000400000000000000006969643a6131623263336434207375623a30303120646c7672643a303031"
            + "207375626d697420646174653a3235313132363133343520646f6e6520646174653a3235313132363133343620737461743a4445"
            + "4c49565244206572723a30303020746578743a48656c6c6f001e00096131623263336434000427000102";

    /** Ways a frame reaches the decoder: plain heap, a slice in the middle of a larger heap buffer, direct, composite. */
    private static final List<Function<byte[], ByteBuf>> BUFFER_KINDS = List.of(
            Unpooled::wrappedBuffer,
            FrameBufferKindsTest::sliceOfLargerHeapBuffer,
            FrameBufferKindsTest::heapWithReaderIndexAdvanced,
            frame -> Unpooled.directBuffer(frame.length).writeBytes(frame),
            FrameBufferKindsTest::composite);

    private static ByteBuf sliceOfLargerHeapBuffer(byte[] frame) {
        ByteBuf stream = Unpooled.buffer(frame.length + 10).writeBytes(new byte[7]).writeBytes(frame)
                .writeBytes(new byte[3]);
        return stream.slice(7, frame.length);
    }

    private static ByteBuf heapWithReaderIndexAdvanced(byte[] frame) {
        ByteBuf buf = Unpooled.buffer(frame.length + 5).writeBytes(new byte[5]).writeBytes(frame);
        return buf.skipBytes(5);
    }

    private static ByteBuf composite(byte[] frame) {
        int half = frame.length / 2;
        CompositeByteBuf buf = Unpooled.compositeBuffer();
        buf.addComponent(true, Unpooled.wrappedBuffer(frame, 0, half));
        buf.addComponent(true, Unpooled.directBuffer().writeBytes(frame, half, frame.length - half));
        return buf;
    }

    private static void assertSameDecodeForEveryKind(byte[] frame) {
        SmppPdu expected = SmppCodec.decode(Unpooled.wrappedBuffer(frame));
        for (Function<byte[], ByteBuf> kind : BUFFER_KINDS) {
            ByteBuf buf = kind.apply(frame);
            assertEquals(expected, SmppCodec.decode(buf));
            assertEquals(0, buf.readableBytes());
            buf.release();
        }
    }

    @Test
    void validFramesDecodeAlikeFromEveryBufferKind() {
        assertSameDecodeForEveryKind(hex(SUBMIT_SM_HELLO));
        assertSameDecodeForEveryKind(hex(DELIVER_SM_RECEIPT_34));
        assertEquals("Hello", new String(((SubmitSm) SmppCodec.decode(sliceOfLargerHeapBuffer(hex(SUBMIT_SM_HELLO))))
                .shortMessage(), java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    @Test
    void pdusDecodedFromDirectFramesKeepTheirFieldsWhenLaterFramesAreDecoded() {
        byte[] submit = hex(SUBMIT_SM_HELLO);
        byte[] receipt = hex(DELIVER_SM_RECEIPT_34);
        SmppPdu first = decodeDirect(submit);
        SmppPdu second = decodeDirect(receipt);
        decodeDirect(submit); // decoded PDUs must not share bytes with the frames they came from

        assertEquals(SmppCodec.decode(Unpooled.wrappedBuffer(submit)), first);
        assertEquals(SmppCodec.decode(Unpooled.wrappedBuffer(receipt)), second);
        assertEquals(Address.of(1, 1, "8613800138000"), ((SubmitSm) first).destinationAddr());
        assertEquals("a1b2c3d4", ((DeliverSm) second).tlvs().getCString(TlvTag.RECEIPTED_MESSAGE_ID));
    }

    @Test
    void directFramesWithAFourKilobyteMessagePayloadDecode() {
        int payload = 4096;
        SubmitSm big = TestBytes.submitSmWithMessagePayload(9, new byte[payload]);

        SmppPdu decoded = decodeDirect(TestBytes.encode(big));

        assertEquals(big, decoded);
        assertEquals(payload, ((SubmitSm) decoded).tlvs().getBytes(TlvTag.MESSAGE_PAYLOAD).length);
    }

    private static SmppPdu decodeDirect(byte[] frame) {
        ByteBuf direct = Unpooled.directBuffer(frame.length).writeBytes(frame);
        try {
            return SmppCodec.decode(direct);
        } finally {
            direct.release();
        }
    }

    @Test
    void corruptedFramesDecodeAlikeFromEveryBufferKind() {
        Random random = new Random(7L);
        byte[] original = hex(DELIVER_SM_RECEIPT_34);
        for (int round = 0; round < 1000; round++) {
            byte[] frame = original.clone();
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                frame[4 + random.nextInt(frame.length - 4)] = (byte) random.nextInt(256);
            }
            assertSameDecodeForEveryKind(frame);
        }
    }

    @Test
    void truncatedFramesDecodeAlikeFromEveryBufferKind() {
        byte[] full = hex(SUBMIT_SM_HELLO);
        for (int length = 0; length <= full.length; length++) {
            byte[] cut = java.util.Arrays.copyOf(full, length);
            if (length >= 4) {
                cut[0] = 0;
                cut[1] = 0;
                cut[2] = 0;
                cut[3] = (byte) length;
            }
            assertSameDecodeForEveryKind(cut);
        }
    }
}
