package io.smsgw.smpp.codec;

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

    static SmppPdu decode(byte[] frame) {
        ByteBuf buf = Unpooled.wrappedBuffer(frame);
        try {
            return SmppCodec.decode(buf);
        } finally {
            buf.release();
        }
    }

    static SmppPdu decodeHex(String hex) {
        return decode(hex(hex));
    }

    static byte[] encode(SmppPdu pdu) {
        ByteBuf buf = Unpooled.buffer();
        try {
            SmppCodec.encode(pdu, buf);
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    /** A submit_sm whose text travels in a message_payload TLV of {@code payload} (larger than short_message allows). */
    static SubmitSm submitSmWithMessagePayload(int sequenceNumber, byte[] payload) {
        return new SubmitSm(sequenceNumber, "", Address.of(1, 1, "8610086"), Address.of(1, 1, "8613800138000"), 0, 0,
                0, "", "", 1, 0, 8, 0, new byte[0], Tlvs.of(new Tlv(TlvTag.MESSAGE_PAYLOAD, payload)));
    }

    static String encodeHex(SmppPdu pdu) {
        return ByteBufUtil.hexDump(encode(pdu));
    }
}
