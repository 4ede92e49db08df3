package io.smsgw.smpp.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The encoder writes straight into a heap buffer's array (at its array offset and writer index) and
 * through one array into buffers that have none; whatever the buffer kind, every PDU type must come out
 * as the same bytes, appended after what the buffer already holds.
 */
class EncoderBufferKindsTest {

    private static final byte[] ALREADY_THERE = {9, 8, 7};

    /** Buffers an encoder is handed: heap, heap that must grow, a slice at an array offset, direct, composite. */
    private static final List<Supplier<ByteBuf>> BUFFER_KINDS = List.of(
            Unpooled::buffer,
            () -> Unpooled.buffer(4),
            () -> Unpooled.buffer(2048).slice(11, 1500).clear(),
            () -> Unpooled.directBuffer(8),
            Unpooled::compositeBuffer);

    static List<SmppPdu> everyPduType() {
        return RoundTripTest.everyPduType().toList();
    }

    @ParameterizedTest
    @MethodSource("everyPduType")
    void everyBufferKindGetsTheSameBytes(SmppPdu pdu) {
        byte[] expected = TestBytes.encode(pdu);
        assertEquals(expected.length, ByteBuffer.wrap(expected).getInt(), "command_length");
        for (Supplier<ByteBuf> kind : BUFFER_KINDS) {
            ByteBuf out = kind.get().writeBytes(ALREADY_THERE);
            try {
                SmppCodec.encode(pdu, out);
                byte[] written = ByteBufUtil.getBytes(out);
                assertArrayEquals(ALREADY_THERE, Arrays.copyOf(written, ALREADY_THERE.length), out.toString());
                assertArrayEquals(expected, Arrays.copyOfRange(written, ALREADY_THERE.length, written.length),
                        out.toString());
                assertEquals(pdu, SmppCodec.decode(out.skipBytes(ALREADY_THERE.length)));
            } finally {
                out.release();
            }
        }
    }

    @Test
    void aFourKilobyteMessagePayloadEncodesIntoADirectBufferBetweenSmallPdus() {
        byte[] payload = new byte[4096];
        Arrays.fill(payload, (byte) 'x');
        SubmitSm big = TestBytes.submitSmWithMessagePayload(9, payload);
        SubmitSm small = new SubmitSm(10, "", Address.of(1, 1, "8610086"), Address.of(1, 1, "8613800138000"), 0,
                0, 0, "", "", 1, 0, 0, 0, new byte[] {'h', 'i'}, Tlvs.EMPTY);
        ByteBuf out = Unpooled.directBuffer(16);
        try {
            SmppCodec.encode(small, out);
            SmppCodec.encode(big, out);
            SmppCodec.encode(small, out);
            int smallLength = TestBytes.encode(small).length;
            assertEquals(small, SmppCodec.decode(out.readSlice(smallLength)));
            assertEquals(big, SmppCodec.decode(out.readSlice(TestBytes.encode(big).length)));
            assertEquals(small, SmppCodec.decode(out.readSlice(smallLength)));
            assertEquals(0, out.readableBytes());
        } finally {
            out.release();
        }
    }

    @ParameterizedTest
    @MethodSource("everyPduType")
    void pdusFollowEachOtherInOneBuffer(SmppPdu pdu) {
        ByteBuf out = Unpooled.buffer(16);
        try {
            SmppCodec.encode(pdu, out);
            SmppCodec.encode(pdu, out);
            int length = out.readableBytes() / 2;
            assertEquals(pdu, SmppCodec.decode(out.readSlice(length)));
            assertEquals(pdu, SmppCodec.decode(out.readSlice(length)));
        } finally {
            out.release();
        }
    }
}
