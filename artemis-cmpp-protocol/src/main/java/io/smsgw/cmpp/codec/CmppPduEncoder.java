package io.smsgw.cmpp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.util.Objects;

/**
 * Writes {@link CmppPdu}s in the connection's {@link CmppVersion}, Total_Length included. An
 * unrepresentable PDU fails the write promise with an {@code EncoderException} wrapping
 * {@link IllegalArgumentException} (see {@link CmppCodec#encode}). Holds per-connection state, so
 * use one instance per channel. The version starts at {@link CmppVersion#V30}; the session sets
 * the negotiated one before writing CONNECT_RESP, whose Status width depends on it.
 */
public final class CmppPduEncoder extends MessageToByteEncoder<CmppPdu> {

    private volatile CmppVersion version;

    public CmppPduEncoder() {
        this(CmppVersion.V30);
    }

    public CmppPduEncoder(CmppVersion version) {
        super(CmppPdu.class);
        this.version = Objects.requireNonNull(version, "version");
    }

    public CmppVersion version() {
        return version;
    }

    public void setVersion(CmppVersion version) {
        this.version = Objects.requireNonNull(version, "version");
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, CmppPdu pdu, ByteBuf out) {
        CmppCodec.encode(pdu, version, out);
    }
}
