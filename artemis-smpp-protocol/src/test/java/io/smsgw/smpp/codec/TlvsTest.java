package io.smsgw.smpp.codec;

import static io.smsgw.smpp.codec.TestBytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TlvsTest {

    private static final Tlvs RECEIPT = Tlvs.builder()
            .addCString(TlvTag.RECEIPTED_MESSAGE_ID, "a1b2c3d4")
            .addU8(TlvTag.MESSAGE_STATE, 2)
            .add(TlvTag.NETWORK_ERROR_CODE, hex("030001"))
            .build();

    @Test
    void typedGettersReadTheRawValues() {
        assertEquals("a1b2c3d4", RECEIPT.getCString(TlvTag.RECEIPTED_MESSAGE_ID));
        assertArrayEquals(hex("6131623263336434" + "00"), RECEIPT.getBytes(TlvTag.RECEIPTED_MESSAGE_ID));
        assertEquals(2, RECEIPT.getU8(TlvTag.MESSAGE_STATE));
        assertArrayEquals(hex("030001"), RECEIPT.get(TlvTag.NETWORK_ERROR_CODE).value());
        assertEquals(0xBEEF, Tlvs.of(Tlv.ofU16(TlvTag.SAR_MSG_REF_NUM, 0xBEEF)).getU16(TlvTag.SAR_MSG_REF_NUM));
    }

    @Test
    void absentOrWronglySizedValuesReadAsMinusOneOrNull() {
        assertNull(RECEIPT.get(TlvTag.SAR_MSG_REF_NUM));
        assertNull(RECEIPT.getCString(TlvTag.SAR_MSG_REF_NUM));
        assertEquals(-1, RECEIPT.getU8(TlvTag.SAR_TOTAL_SEGMENTS));
        assertEquals(-1, RECEIPT.getU16(TlvTag.MESSAGE_STATE)); // 1 byte, not 2
        assertEquals(-1, RECEIPT.getU8(TlvTag.NETWORK_ERROR_CODE)); // 3 bytes, not 1
        assertFalse(RECEIPT.contains(TlvTag.MESSAGE_PAYLOAD));
        assertTrue(RECEIPT.contains(TlvTag.MESSAGE_STATE));
    }

    @Test
    void cStringWithoutTerminatorIsReadToTheEnd() {
        assertEquals("abc", new Tlv(TlvTag.RECEIPTED_MESSAGE_ID, TestBytes.ascii("abc")).asCString());
        assertEquals("", Tlv.empty(TlvTag.RECEIPTED_MESSAGE_ID).asCString());
    }

    @Test
    void withReplacesInPlaceOrAppendsAndLeavesTheOriginalUntouched() {
        Tlvs updated = RECEIPT.with(Tlv.ofU8(TlvTag.MESSAGE_STATE, 5));
        assertEquals(5, updated.getU8(TlvTag.MESSAGE_STATE));
        assertEquals(TlvTag.MESSAGE_STATE, updated.at(1).tag());
        assertEquals(3, updated.size());
        assertEquals(2, RECEIPT.getU8(TlvTag.MESSAGE_STATE));

        Tlvs appended = RECEIPT.with(Tlv.ofU16(TlvTag.USER_MESSAGE_REFERENCE, 7));
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
}
