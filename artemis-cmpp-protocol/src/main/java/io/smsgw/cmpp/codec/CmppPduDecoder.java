package io.smsgw.cmpp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;
import java.util.Objects;

/**
 * Turns each complete frame into one {@link CmppPdu} in the connection's {@link CmppVersion}.
 * Malformed frames are passed on as {@link MalformedCmppPdu}, never as exceptions. Holds
 * per-connection state (the version), so use one instance per channel. The version starts at
 * {@link CmppVersion#V30} (CONNECT decodes the same in every version); the session sets the
 * negotiated one after CONNECT, before the next frame is read.
 */
public final class CmppPduDecoder extends MessageToMessageDecoder<ByteBuf> {

    private volatile CmppVersion version;

    public CmppPduDecoder() {
        this(CmppVersion.V30);
    }

    public CmppPduDecoder(CmppVersion version) {
        this.version = Objects.requireNonNull(version, "version");
    }

    public CmppVersion version() {
        return version;
    }

    public void setVersion(CmppVersion version) {
        this.version = Objects.requireNonNull(version, "version");
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        out.add(CmppCodec.decode(frame, version));
    }
}
