package io.smsgw.bench.codec;

import com.zx.sms.codec.cmpp.CmppDeliverRequestMessageCodec;
import com.zx.sms.codec.cmpp.CmppHeaderCodec;
import com.zx.sms.codec.cmpp.CmppSubmitRequestMessageCodec;
import com.zx.sms.codec.cmpp.CmppSubmitResponseMessageCodec;
import com.zx.sms.codec.cmpp.msg.Message;
import com.zx.sms.codec.cmpp20.Cmpp20SubmitRequestMessageCodec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.MessageToMessageCodec;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;

/**
 * SMSGate's (com.chinamobile.cmos:sms-core) CMPP codec for one PDU type, called the way its pipeline
 * calls it, without the pipeline: {@code CmppHeaderCodec} turns a frame into a header plus body bytes,
 * then the PDU type's codec (the one SMSGate's codec aggregator picks by Command_Id) turns that into
 * the message object; encoding runs the two the other way round. Their decode/encode methods are
 * protected Netty codec callbacks, so they are called through method handles.
 */
final class SmsGateCmppCodec {

    private static final MethodHandle DECODE;
    private static final MethodHandle ENCODE;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(MessageToMessageCodec.class, MethodHandles.lookup());
            MethodType callback = MethodType.methodType(void.class, ChannelHandlerContext.class, Object.class, List.class);
            DECODE = lookup.findVirtual(MessageToMessageCodec.class, "decode", callback);
            ENCODE = lookup.findVirtual(MessageToMessageCodec.class, "encode", callback);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final MessageToMessageCodec<ByteBuf, Message> header = new CmppHeaderCodec();
    private final MessageToMessageCodec<Message, ?> body;
    /** A real handler context: SMSGate's encoders allocate their buffers from it. */
    private final ChannelHandlerContext context;
    private final List<Object> out = new ArrayList<>(1);

    private SmsGateCmppCodec(MessageToMessageCodec<Message, ?> body) {
        this.body = body;
        EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        this.context = channel.pipeline().firstContext();
    }

    /** The codec SMSGate uses for {@code sample}'s PDU type and version. */
    static SmsGateCmppCodec forSample(CmppCodecSamples sample) {
        switch (sample) {
            case SUBMIT_30:
                return new SmsGateCmppCodec(new CmppSubmitRequestMessageCodec());
            case SUBMIT_20:
                return new SmsGateCmppCodec(new Cmpp20SubmitRequestMessageCodec());
            case SUBMIT_RESP_30:
                return new SmsGateCmppCodec(new CmppSubmitResponseMessageCodec());
            case DELIVER_MO_30:
            case DELIVER_REPORT_30:
                return new SmsGateCmppCodec(new CmppDeliverRequestMessageCodec());
            default:
                throw new IllegalArgumentException("no SMSGate codec for " + sample);
        }
    }

    /** One complete frame (Total_Length included) to SMSGate's message object; consumes the frame. */
    Message decode(ByteBuf frame) throws Throwable {
        DECODE.invokeExact((MessageToMessageCodec<?, ?>) header, context, (Object) frame, out);
        Message headerAndBody = take();
        DECODE.invokeExact((MessageToMessageCodec<?, ?>) body, context, (Object) headerAndBody, out);
        return take();
    }

    /** The wire form of {@code message}, in a buffer from the context's allocator that the caller releases. */
    ByteBuf encode(Message message) throws Throwable {
        ENCODE.invokeExact((MessageToMessageCodec<?, ?>) body, context, (Object) message, out);
        Message withBody = take();
        ENCODE.invokeExact((MessageToMessageCodec<?, ?>) header, context, (Object) withBody, out);
        return take();
    }

    @SuppressWarnings("unchecked")
    private <T> T take() {
        if (out.size() != 1) {
            throw new IllegalStateException("SMSGate codec produced " + out.size() + " objects");
        }
        T result = (T) out.get(0);
        out.clear();
        return result;
    }
}
