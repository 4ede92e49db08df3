package io.smsgw.cmpp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/** Hex/ByteBuf helpers shared by the codec tests. */
final class TestBytes {

    private TestBytes() {
    }

    static byte[] hex(String hex) {
        return ByteBufUtil.decodeHexDump(hex.replaceAll("\\s", ""));
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] ucs2(String text) {
        return text.getBytes(StandardCharsets.UTF_16BE);
    }

    static CmppPdu decode(byte[] frame, CmppVersion version) {
        ByteBuf buf = Unpooled.wrappedBuffer(frame);
        try {
            return CmppCodec.decode(buf, version);
        } finally {
            buf.release();
        }
    }

    static CmppPdu decodeHex(String hex, CmppVersion version) {
        return decode(hex(hex), version);
    }

    static byte[] encode(CmppPdu pdu, CmppVersion version) {
        ByteBuf buf = Unpooled.buffer();
        try {
            CmppCodec.encode(pdu, version, buf);
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    static String encodeHex(CmppPdu pdu, CmppVersion version) {
        return ByteBufUtil.hexDump(encode(pdu, version));
    }
}
