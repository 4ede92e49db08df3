package io.smsgw.smpp.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Values that cannot be put on the wire are refused with IllegalArgumentException, leaving the buffer untouched. */
class EncoderValidationTest {

    /** Refused into a heap buffer (written in place) and a direct one (written through an array) alike. */
    private static void assertRefused(SmppPdu pdu, String fieldInMessage) {
        for (ByteBuf out : List.of(Unpooled.buffer(), Unpooled.directBuffer())) {
            out.writeBytes(new byte[] {1, 2, 3});
            try {
                Executable encode = () -> SmppCodec.encode(pdu, out);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, encode);
                assertTrue(e.getMessage().contains(fieldInMessage), e.getMessage());
                assertEquals("010203", ByteBufUtil.hexDump(out), "nothing may be left behind in the buffer");
            } finally {
                out.release();
            }
        }
    }

    @Test
    void oversizedCStringsAreRefused() {
        assertRefused(new BindRequest(1, BindType.TRANSMITTER, "x".repeat(16), "", "", 0x34, 0, 0, ""), "system_id");
        assertRefused(new BindRequest(1, BindType.TRANSMITTER, "sys", "123456789", "", 0x34, 0, 0, ""), "password");
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class, () -> SmppCodec.encode(
                new BindRequest(1, BindType.TRANSMITTER, "sys", "s3cretpass", "", 0x34, 0, 0, ""), Unpooled.buffer()));
        assertFalse(tooLong.getMessage().contains("s3cretpass"), tooLong.getMessage());
        assertRefused(ShortMessagePdu.builder().sourceAddr(Address.of(1, 1, "1".repeat(21))).buildSubmitSm(),
                "source_addr");
        assertRefused(new SubmitSmResp(1, 0, "m".repeat(65), null), "message_id");
        assertRefused(new QueryLastMsgsResp(1, 0, List.of("123456789")), "message_id");
    }

    @Test
    void limitsAreInclusive() {
        ByteBuf out = Unpooled.buffer();
        try {
            SmppCodec.encode(new BindRequest(1, BindType.TRANSMITTER, "x".repeat(15), "12345678", "y".repeat(12),
                    0x34, 0, 0, "z".repeat(40)), out);
            SmppCodec.encode(new DataSm(2, "", Address.of(1, 1, "1".repeat(64)), null, 0, 0, 0, null), out);
            assertTrue(out.readableBytes() > 0);
        } finally {
            out.release();
        }
    }

    @Test
    void charactersThatAreNulOrNotLatin1AreRefused() {
        assertRefused(new QuerySm(1, "ab\0c", null), "message_id");
        assertRefused(new ParamRetrieve(1, "名前"), "param_name");
        // Characters are checked while the bytes are written: a late field must still leave nothing behind.
        assertRefused(ShortMessagePdu.builder().sourceAddr(Address.of(1, 1, "8610086"))
                .destinationAddr(Address.of(1, 1, "86138\u20ac")).shortMessage(new byte[140]).buildSubmitSm(),
                "destination_addr");
        assertRefused(new SubmitSmResp(1, 0, "id\0", Tlvs.EMPTY), "message_id");
    }

    @Test
    void oneByteFieldsOutsideTheOctetRangeAreRefused() {
        assertRefused(ShortMessagePdu.builder().esmClass(256).buildDeliverSm(), "esm_class");
        assertRefused(ShortMessagePdu.builder().dataCoding(-1).buildSubmitSm(), "data_coding");
        assertRefused(new BindRequest(1, BindType.RECEIVER, "", "", "", 0x134, 0, 0, ""), "interface_version");
    }

    @Test
    void shortMessageAboveTheSmLengthLimitIsRefused() {
        assertRefused(ShortMessagePdu.builder().shortMessage(new byte[256]).buildSubmitSm(), "short_message");
    }

    @Test
    void tooManyDestinationsAreRefused() {
        List<DestinationAddress> destinations =
                Collections.nCopies(255, new DestinationAddress.Sme(Address.of(1, 1, "1")));
        assertRefused(new SubmitMulti(1, "", null, destinations, 0, 0, 0, "", "", 0, 0, 0, 0, null, null),
                "number_of_dests");
    }

    @Test
    void malformedPduCannotBeEncoded() {
        assertRefused(new MalformedPdu(SmppCommandId.SUBMIT_SM, 0, 1, SmppStatus.ESME_RINVCMDLEN, "test"),
                "MalformedPdu");
    }
}
