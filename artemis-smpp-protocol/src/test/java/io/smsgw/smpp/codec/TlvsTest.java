package io.smsgw.smpp.codec;

import static io.smsgw.smpp.codec.TestBytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TlvsTest {

    private static final Tlvs RECEIPT = Tlvs.builder()
            .addCString(TlvTag.RECEIPTED_MESSAGE_ID, "a1b2c3d4")
            .addU8(TlvTag.MESSAGE_STATE, 2)
            .add(TlvTag.NETWORK_ERROR_CODE, hex("030001"))
            .build();

    /** The same TLVs as the decoder hands them over: the wire bytes, Tlv objects built only on demand. */
    private static final Tlvs DECODED_RECEIPT = Tlvs.ofWire(hex("001E 0009 6131623263336434 00"
            + "0427 0001 02" + "0423 0003 030001"), 3);

    static Stream<Tlvs> receipts() {
        return Stream.of(RECEIPT, DECODED_RECEIPT);
    }

    @ParameterizedTest
    @MethodSource("receipts")
    void typedGettersReadTheRawValues(Tlvs receipt) {
        assertEquals("a1b2c3d4", receipt.getCString(TlvTag.RECEIPTED_MESSAGE_ID));
        assertArrayEquals(hex("6131623263336434" + "00"), receipt.getBytes(TlvTag.RECEIPTED_MESSAGE_ID));
        assertEquals(2, receipt.getU8(TlvTag.MESSAGE_STATE));
        assertArrayEquals(hex("030001"), receipt.get(TlvTag.NETWORK_ERROR_CODE).value());
        assertEquals(0xBEEF, Tlvs.of(Tlv.ofU16(TlvTag.SAR_MSG_REF_NUM, 0xBEEF)).getU16(TlvTag.SAR_MSG_REF_NUM));
    }

    @ParameterizedTest
    @MethodSource("receipts")
    void absentOrWronglySizedValuesReadAsMinusOneOrNull(Tlvs receipt) {
        assertNull(receipt.get(TlvTag.SAR_MSG_REF_NUM));
        assertNull(receipt.getCString(TlvTag.SAR_MSG_REF_NUM));
        assertEquals(-1, receipt.getU8(TlvTag.SAR_TOTAL_SEGMENTS));
        assertEquals(-1, receipt.getU16(TlvTag.MESSAGE_STATE)); // 1 byte, not 2
        assertEquals(-1, receipt.getU8(TlvTag.NETWORK_ERROR_CODE)); // 3 bytes, not 1
        assertFalse(receipt.contains(TlvTag.MESSAGE_PAYLOAD));
        assertTrue(receipt.contains(TlvTag.MESSAGE_STATE));
    }

    @Test
    void cStringWithoutTerminatorIsReadToTheEnd() {
        assertEquals("abc", new Tlv(TlvTag.RECEIPTED_MESSAGE_ID, TestBytes.ascii("abc")).asCString());
        assertEquals("", Tlv.empty(TlvTag.RECEIPTED_MESSAGE_ID).asCString());
    }

    @ParameterizedTest
    @MethodSource("receipts")
    void withReplacesInPlaceOrAppendsAndLeavesTheOriginalUntouched(Tlvs receipt) {
        Tlvs updated = receipt.with(Tlv.ofU8(TlvTag.MESSAGE_STATE, 5));
        assertEquals(5, updated.getU8(TlvTag.MESSAGE_STATE));
        assertEquals(TlvTag.MESSAGE_STATE, updated.at(1).tag());
        assertEquals(3, updated.size());
        assertEquals(2, receipt.getU8(TlvTag.MESSAGE_STATE));

        Tlvs appended = receipt.with(Tlv.ofU16(TlvTag.USER_MESSAGE_REFERENCE, 7));
        assertEquals(4, appended.size());
        assertEquals(TlvTag.USER_MESSAGE_REFERENCE, appended.at(3).tag());
    }

    @Test
    void withoutRemovesEveryCopyOfTheTag() {
        Tlvs duplicated = Tlvs.of(Tlv.ofU8(TlvTag.MESSAGE_STATE, 1), Tlv.ofU8(TlvTag.DPF_RESULT, 0),
                Tlv.ofU8(TlvTag.MESSAGE_STATE, 2));
        assertEquals(1, duplicated.getU8(TlvTag.MESSAGE_STATE), "lookups return the first occurrence");
        assertEquals(Tlvs.of(Tlv.ofU8(TlvTag.DPF_RESULT, 0)), duplicated.without(TlvTag.MESSAGE_STATE));
        assertSame(Tlvs.EMPTY, Tlvs.of(Tlv.ofU8(TlvTag.DPF_RESULT, 0)).without(TlvTag.DPF_RESULT));
        assertSame(duplicated, duplicated.without(TlvTag.MESSAGE_PAYLOAD));
    }

    @Test
    void listsAreImmutableAndCompareByContent() {
        Tlv[] source = {Tlv.ofU8(TlvTag.MESSAGE_STATE, 2)};
        Tlvs tlvs = Tlvs.of(source);
        source[0] = Tlv.ofU8(TlvTag.MESSAGE_STATE, 9);
        assertEquals(2, tlvs.getU8(TlvTag.MESSAGE_STATE));
        assertThrows(UnsupportedOperationException.class, () -> tlvs.asList().clear());
        assertEquals(Tlvs.of(List.of(Tlv.ofU8(TlvTag.MESSAGE_STATE, 2))), tlvs);
        assertEquals(Tlvs.EMPTY, Tlvs.builder().build());
        assertEquals(RECEIPT.hashCode(), Tlvs.of(RECEIPT.asList()).hashCode());
        assertEquals(4 + 9 + 4 + 1 + 4 + 3, RECEIPT.encodedLength());
    }

    @Test
    void outOfRangeValuesAreRejectedWhenBuilt() {
        assertThrows(IllegalArgumentException.class, () -> Tlv.ofU8(TlvTag.MESSAGE_STATE, 256));
        assertThrows(IllegalArgumentException.class, () -> Tlv.ofU16(TlvTag.SAR_MSG_REF_NUM, -1));
        assertThrows(IllegalArgumentException.class, () -> new Tlv(TlvTag.MESSAGE_PAYLOAD, new byte[0x10000]));
        assertThrows(NullPointerException.class, () -> Tlvs.of((Tlv) null));
        assertThrows(IllegalArgumentException.class, () -> Tlv.ofCString(TlvTag.RECEIPTED_MESSAGE_ID, "id\u4e00"));
    }

    @Test
    void decodedAndBuiltListsAreInterchangeable() {
        assertEquals(RECEIPT, DECODED_RECEIPT);
        assertEquals(DECODED_RECEIPT, RECEIPT);
        assertEquals(RECEIPT.hashCode(), DECODED_RECEIPT.hashCode());
        assertEquals(RECEIPT.toString(), DECODED_RECEIPT.toString());
        assertEquals(RECEIPT.asList(), DECODED_RECEIPT.asList());
        assertEquals(RECEIPT.encodedLength(), DECODED_RECEIPT.encodedLength());
        assertEquals(3, DECODED_RECEIPT.size());
        assertArrayEquals(written(RECEIPT), written(DECODED_RECEIPT));
        assertEquals(Tlvs.of(RECEIPT.at(0), RECEIPT.at(2)), DECODED_RECEIPT.without(TlvTag.MESSAGE_STATE));
        assertSame(Tlvs.EMPTY, Tlvs.ofWire(new byte[0], 0));
    }

    @Test
    void decodedListsReturnTheFirstOfDuplicateTagsAndKeepTheRest() {
        Tlvs duplicated = Tlvs.ofWire(hex("0427 0001 01" + "0420 0001 00" + "0427 0001 02"), 3);
        assertEquals(1, duplicated.getU8(TlvTag.MESSAGE_STATE));
        assertEquals(Tlvs.of(Tlv.ofU8(TlvTag.DPF_RESULT, 0)), duplicated.without(TlvTag.MESSAGE_STATE));
        assertEquals(2, duplicated.at(2).asU8());
        assertEquals("", Tlvs.ofWire(hex("001E 0000"), 1).getCString(TlvTag.RECEIPTED_MESSAGE_ID));
        assertEquals("abc", Tlvs.ofWire(hex("001E 0003 616263"), 1).getCString(TlvTag.RECEIPTED_MESSAGE_ID),
                "a value without its NUL is read to the end");
    }

    private static byte[] written(Tlvs tlvs) {
        byte[] out = new byte[tlvs.encodedLength() + 2];
        assertEquals(1 + tlvs.encodedLength(), tlvs.writeTo(out, 1), "returns the index after the TLVs");
        return Arrays.copyOfRange(out, 1, out.length - 1);
    }
}
