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

    private final boolean lenientAnswers;

    /** Holds every PDU to the rules: the acceptor's decoder, towards ESMEs. */
    public SmppPduDecoder() {
        this(false);
    }

    /**
     * With {@code lenientAnswers}, answers are read as {@link SmppCodec#decodeAnswersLeniently(ByteBuf)} does: the
     * decoder of an SMSC link, which must settle what it sent even when the SMSC words the answer sloppily.
     */
    public SmppPduDecoder(boolean lenientAnswers) {
        this.lenientAnswers = lenientAnswers;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        out.add(lenientAnswers ? SmppCodec.decodeAnswersLeniently(frame) : SmppCodec.decode(frame));
    }
}
