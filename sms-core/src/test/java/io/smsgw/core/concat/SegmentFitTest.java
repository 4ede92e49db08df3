package io.smsgw.core.concat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smsgw.core.text.SmsEncoding;
import org.junit.jupiter.api.Test;

class SegmentFitTest {

   private static final int UDH = 6;

   @Test
   void aFullGsmPartWithOneAccentStaysGsm() {
      String part = "a".repeat(152) + "é";
      assertEquals(SmsEncoding.GSM7, SegmentFit.forSmpp(part, UDH, SmsEncoding.GSM7, true));
      assertFalse(SegmentFit.fits(part, SmsEncoding.UCS2, UDH), "306 octets as UCS2");
   }

   @Test
   void aLatin1PartNeitherGsmNorUcs2HoldsKeepsLatin1() {
      String part = "a".repeat(133) + "ê"; // 134 octets; GSM has no ê, UCS2 needs 268
      assertEquals(SmsEncoding.LATIN1, SegmentFit.forSmpp(part, UDH, SmsEncoding.LATIN1, true));
      assertEquals(SmsEncoding.LATIN1, SegmentFit.forSmpp(part, UDH, SmsEncoding.LATIN1, false));
   }

   @Test
   void anAsciiPartOfManyExtensionCharactersKeepsAscii() {
      String part = "{}".repeat(10) + "a".repeat(114); // 134 characters, 154 septets
      assertEquals(154, SegmentFit.size(part, SmsEncoding.GSM7));
      assertEquals(SmsEncoding.ASCII, SegmentFit.forSmpp(part, UDH, SmsEncoding.ASCII, true));
      assertNull(SegmentFit.forSmpp(part, UDH, SmsEncoding.GSM7, true), "came as GSM7: no coding holds it");
   }

   @Test
   void aGbkPartOfChineseAndLatinFitsNoSmppCoding() {
      String part = "a".repeat(100) + "中".repeat(17); // 134 octets as GBK, 234 as UCS2
      assertEquals(134, SegmentFit.size(part, SmsEncoding.GBK));
      assertNull(SegmentFit.forSmpp(part, UDH, SmsEncoding.GBK, true));
      assertNull(SegmentFit.forSmpp(part, UDH, SmsEncoding.UCS2, true));
   }

   @Test
   void aShortPartGoesAsBeforeGsmElseUcs2() {
      assertEquals(SmsEncoding.GSM7, SegmentFit.forSmpp("tail", UDH, SmsEncoding.UCS2, true));
      assertEquals(SmsEncoding.UCS2, SegmentFit.forSmpp("tail", UDH, SmsEncoding.GSM7, false));
      assertEquals(SmsEncoding.UCS2, SegmentFit.forSmpp("短信", UDH, SmsEncoding.GSM7, true));
   }

   @Test
   void aLongerHeaderLeavesLessRoom() {
      String part = "a".repeat(153);
      assertTrue(SegmentFit.fits(part, SmsEncoding.GSM7, 6));
      assertFalse(SegmentFit.fits(part, SmsEncoding.GSM7, 7), "152 septets after a 7-octet header");
      assertEquals(-1, SegmentFit.size("£", SmsEncoding.GBK));
   }
}
