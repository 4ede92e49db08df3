package io.smsgw.smpp.codec;

import static io.smsgw.smpp.codec.TestBytes.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.TooLongFrameException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The three handlers together on a channel: framing, decoding, encoding. */
class PipelineTest {

    private static final String ENQUIRE_LINK = "00000010000000150000000000000009";
    private static final String SUBMIT_SM = "0000003a00000004000000000000000200010138363130303836000101383631333830"
            + "3031333830303000000000000001000000" + "0548656c6c6f";

    private final EmbeddedChannel channel =
            new EmbeddedChannel(SmppCodec.newFrameDecoder(4096), new SmppPduDecoder(), new SmppPduEncoder());

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void pdusSplitAndCoalescedArbitrarilyAreReassembled() {
        byte[] stream = hex(SUBMIT_SM + ENQUIRE_LINK + SUBMIT_SM);
        channel.writeInbound(Unpooled.wrappedBuffer(stream, 0, 7));
        assertNull(channel.readInbound());
        channel.writeInbound(Unpooled.wrappedBuffer(stream, 7, 60));
        channel.writeInbound(Unpooled.wrappedBuffer(stream, 67, stream.length - 67));

        assertInstanceOf(SubmitSm.class, channel.readInbound());
        assertEquals(new EnquireLink(9), channel.readInbound());
        assertInstanceOf(SubmitSm.class, channel.readInbound());
        assertNull(channel.readInbound());
    }

    @Test
    void aMalformedPduDoesNotDesynchroniseTheStream() {
        byte[] stream = hex("00000010000000990000000000000005" + ENQUIRE_LINK);
        channel.writeInbound(Unpooled.wrappedBuffer(stream));

        MalformedPdu bad = assertInstanceOf(MalformedPdu.class, channel.readInbound());
        assertEquals(SmppStatus.ESME_RINVCMDID, bad.errorStatus());
        assertEquals(new EnquireLink(9), channel.readInbound());
    }

    @Test
    void encoderWritesCommandLength() {
        channel.writeOutbound(new EnquireLink(9).response());
        ByteBuf written = channel.readOutbound();
        try {
            assertEquals("00000010800000150000000000000009", ByteBufUtil.hexDump(written));
        } finally {
            written.release();
        }
    }

    @Test
    void unrepresentablePduFailsTheWriteAndWritesNothing() {
        EncoderException e = assertThrows(EncoderException.class,
                () -> channel.writeOutbound(new SubmitSmResp(1, 0, "m".repeat(70), null)));
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
        assertNull(channel.readOutbound());
    }

    @Test
    void framesAboveTheLimitAreRejectedByTheFrameDecoder() {
        ByteBuf huge = Unpooled.buffer().writeInt(5000).writeInt(SmppCommandId.SUBMIT_SM).writeZero(8);
        assertThrows(TooLongFrameException.class, () -> channel.writeInbound(huge));
        assertFalse(channel.inboundMessages().stream().anyMatch(SmppPdu.class::isInstance));
    }
}
