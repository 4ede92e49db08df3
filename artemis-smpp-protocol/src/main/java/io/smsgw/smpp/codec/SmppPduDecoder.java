package io.smsgw.smpp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;

/**
 * Turns each frame from {@link SmppCodec#newFrameDecoder(int)} into one {@link SmppPdu}.
 * Malformed frames are passed on as {@link MalformedPdu}, never as exceptions.
 *
 * <p>The bytes after a PDU's mandatory body are TLVs in SMPP 3.4 and ignored in 3.3, which has none (see
 * {@link SmppCodec#decode(ByteBuf, boolean)}). A decoder made by {@link #SmppPduDecoder()} or
 * {@link #SmppPduDecoder(boolean)} always reads 3.4; it is stateless, so one instance may be shared by all channels.
 * One made by {@link #SmppPduDecoder(boolean, boolean)} belongs to one channel, whose session tells it the peer's
 * version with {@link #version34(boolean)} once it knows it, on the channel's event loop, where the decoder runs too.
 */
@ChannelHandler.Sharable
public final class SmppPduDecoder extends MessageToMessageDecoder<ByteBuf> {

    private final boolean lenientAnswers;
    /** Whether {@link #version34} may change: then the decoder belongs to one channel. */
    private final boolean perChannel;
    /** Event loop only. */
    private boolean version34;

    /** Holds every PDU to the rules: the acceptor's decoder, towards ESMEs; reads 3.4. */
    public SmppPduDecoder() {
        this(false);
    }

    /**
     * With {@code lenientAnswers}, answers are read as {@link SmppCodec#decodeAnswersLeniently(ByteBuf)} does: the
     * decoder of an SMSC link, which must settle what it sent even when the SMSC words the answer sloppily. Reads 3.4.
     */
    public SmppPduDecoder(boolean lenientAnswers) {
        this.lenientAnswers = lenientAnswers;
        this.perChannel = false;
        this.version34 = true;
    }

    /**
     * As {@link #SmppPduDecoder(boolean)}, for one channel only, reading the peer as SMPP 3.4 ({@code version34}) or 3.3
     * until {@link #version34(boolean)} says otherwise.
     */
    public SmppPduDecoder(boolean lenientAnswers, boolean version34) {
        this.lenientAnswers = lenientAnswers;
        this.perChannel = true;
        this.version34 = version34;
    }

    @Override
    public boolean isSharable() {
        return !perChannel;
    }

    /**
     * Reads what comes from now on as SMPP 3.4 (TLVs after the mandatory body) or 3.3 (nothing after it). Event loop.
     *
     * @throws IllegalStateException for a decoder that may be shared (made without a version)
     */
    public void version34(boolean version34) {
        if (!perChannel) {
            throw new IllegalStateException("a shared SMPP decoder always reads 3.4");
        }
        this.version34 = version34;
    }

    /** Tells the channel's decoder, if it has one, the peer's version (see {@link #version34(boolean)}). Event loop. */
    public static void version34(Channel channel, boolean version34) {
        SmppPduDecoder decoder = channel.pipeline().get(SmppPduDecoder.class);
        if (decoder != null && decoder.perChannel) {
            decoder.version34(version34);
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        out.add(lenientAnswers ? SmppCodec.decodeAnswersLeniently(frame, version34) : SmppCodec.decode(frame, version34));
    }
}
