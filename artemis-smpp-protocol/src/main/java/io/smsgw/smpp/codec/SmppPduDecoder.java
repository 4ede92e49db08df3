package io.smsgw.smpp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;

/**
 * Turns each frame from {@link SmppCodec#newFrameDecoder(int)} into one {@link SmppPdu}.
 * Malformed frames are passed on as {@link MalformedPdu}, never as exceptions. Stateless, so one
 * instance may be shared by all channels.
 */
@ChannelHandler.Sharable
public final class SmppPduDecoder extends MessageToMessageDecoder<ByteBuf> {

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        out.add(SmppCodec.decode(frame));
    }
}
