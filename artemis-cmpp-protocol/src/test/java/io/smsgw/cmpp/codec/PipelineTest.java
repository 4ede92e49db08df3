package io.smsgw.cmpp.codec;

import static io.smsgw.cmpp.codec.CmppVersion.V20;
import static io.smsgw.cmpp.codec.CmppVersion.V30;
import static io.smsgw.cmpp.codec.TestBytes.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Netty handlers behind a Total_Length frame decoder, with the version switched after CONNECT. */
class PipelineTest {

    private static final String CONNECT_20 =
            "00000027000000010000001739303030303190d00c1d517abd0b4f65f6bcf8535d16203cdc73be";
    private static final String SUBMIT_20_HELLO = """
            000000a400000004000000020000000000000000010101005445535400000000
            0000020000000000000000000000000000000000000000000000003930313233
            3430313030303030300000000000000000000000000000000000000000000000
            0000000000000000000000313036353731323334350000000000000000000000
            013133383030313338303030000000000000000000000548656c6c6f00000000
            00000000
            """;

    private final CmppPduDecoder decoder = new CmppPduDecoder();
    private final CmppPduEncoder encoder = new CmppPduEncoder();
    /** Stands in for the session: switches both handlers to the client's version when CONNECT arrives. */
    private final ChannelInboundHandlerAdapter session = new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Connect connect) {
                decoder.setVersion(CmppVersion.fromByte(connect.version()));
                encoder.setVersion(CmppVersion.fromByte(connect.version()));
            }
            ctx.fireChannelRead(msg);
        }
    };
    private final EmbeddedChannel channel = new EmbeddedChannel(
            new LengthFieldBasedFrameDecoder(4096, 0, 4, -4, 0), decoder, session, encoder);

    private String written() {
        ByteBuf out = channel.readOutbound();
        try {
            return ByteBufUtil.hexDump(out);
        } finally {
            out.release();
        }
    }

    @Test
    void versionStartsAt30AndFollowsTheSession() {
        assertEquals(V30, decoder.version());
        assertEquals(V30, encoder.version());

        // CONNECT with the first half of a 2.0 SUBMIT glued behind it, in one read.
        byte[] submit = hex(SUBMIT_20_HELLO);
        channel.writeInbound(Unpooled.wrappedBuffer(hex(CONNECT_20), Arrays.copyOf(submit, 50)));
        Connect connect = assertInstanceOf(Connect.class, channel.readInbound());
        assertEquals(V20, decoder.version());
        assertNull(channel.readInbound());

        channel.writeOutbound(connect.response(CmppResult.CONNECT_OK, hex("6c0b846e25bab6daa4ed1c466e0f4bd8"), 0x20));
        assertEquals("0000001e8000000100000017006c0b846e25bab6daa4ed1c466e0f4bd820", written());

        // The rest of the SUBMIT arrives and is read in the 2.0 layout.
        channel.writeInbound(Unpooled.wrappedBuffer(submit, 50, submit.length - 50));
        Submit decoded = assertInstanceOf(Submit.class, channel.readInbound());
        assertEquals(List.of("13800138000"), decoded.destTerminalIds());

        channel.writeOutbound(decoded.response(0xbd36d78003e90001L, CmppResult.OK));
        assertEquals("000000158000000400000002bd36d78003e9000100", written());
        assertFalse(channel.finish());
    }

    @Test
    void aConnectAndA20SubmitInOneReadAreEachDecodedInTheirVersion() {
        ByteBuf bytes = Unpooled.wrappedBuffer(hex(CONNECT_20), hex(SUBMIT_20_HELLO));
        channel.writeInbound(bytes);
        assertInstanceOf(Connect.class, channel.readInbound());
        Submit submit = assertInstanceOf(Submit.class, channel.readInbound());
        assertEquals("Hello", new String(submit.msgContent(), StandardCharsets.US_ASCII));
        assertFalse(channel.finish());
    }

    @Test
    void malformedFramesTravelAsMessages() {
        decoder.setVersion(V20);
        channel.writeInbound(Unpooled.wrappedBuffer(hex("0000000c0000000400000009")));
        MalformedCmppPdu malformed = assertInstanceOf(MalformedCmppPdu.class, channel.readInbound());
        assertEquals(MalformedCmppPdu.Kind.TRUNCATED, malformed.kind());
        assertEquals(9, malformed.sequenceId());
        channel.writeOutbound(malformed.errorResponse(CmppResult.STRUCTURE_ERROR).orElseThrow());
        assertEquals("000000188000000400000009000000000000000000000001", written());
        channel.finishAndReleaseAll();
    }

    @Test
    void anUnrepresentablePduFailsTheWrite() {
        encoder.setVersion(V20);
        EncoderException e = assertThrows(EncoderException.class,
                () -> channel.writeOutbound(new SubmitResp(1, 1L, 1000)));
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
        assertNull(channel.readOutbound());
        channel.finishAndReleaseAll();
    }

    @Test
    void versionCannotBeNull() {
        assertThrows(NullPointerException.class, () -> decoder.setVersion(null));
        assertThrows(NullPointerException.class, () -> new CmppPduEncoder(null));
    }
}
