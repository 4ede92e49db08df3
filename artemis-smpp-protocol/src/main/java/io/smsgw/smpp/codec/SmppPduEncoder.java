package io.smsgw.smpp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Writes {@link SmppPdu}s with their command_length. An unrepresentable PDU fails the write
 * promise with an {@code EncoderException} wrapping {@link IllegalArgumentException} (see
 * {@link SmppCodec#encode}). Stateless, so one instance may be shared by all channels.
 */
@ChannelHandler.Sharable
public final class SmppPduEncoder extends MessageToByteEncoder<SmppPdu> {

    public SmppPduEncoder() {
        super(SmppPdu.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, SmppPdu pdu, ByteBuf out) {
        SmppCodec.encode(pdu, out);
    }
}
