package io.smsgw.core.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SmsTextTest {

   @Test
   void gsm7IsTheUnpackedForm() {
      assertArrayEquals(Hex.bytes("1b65 3130"), SmsText.encode("\u20ac10", SmsEncoding.GSM7));
      assertEquals("\u20ac10", SmsText.decode(Hex.bytes("1b65 3130"), SmsEncoding.GSM7));
   }

   @Test
   void ucs2KeepsSurrogatePairsIntact() {
      String text = "Hi \ud83d\ude00";
      byte[] octets = SmsText.encode(text, SmsEncoding.UCS2);
      assertEquals("004800690020d83dde00", Hex.string(octets));
      assertEquals(text, SmsText.decode(octets, SmsEncoding.UCS2));
   }

   @Test
   void ucs2MatchesTheSharedChineseVector() {
      // 你好 as in the submit_sm UCS2 vector of the protocol reference.
      assertEquals("4f60597d", Hex.string(SmsText.encode("\u4f60\u597d", SmsEncoding.UCS2)));
      assertEquals("\u4f60\u597d", SmsText.decode(Hex.bytes("050003a70201 4f60597d"), 6, 4, SmsEncoding.UCS2));
   }

   @Test
   void ucs2WithAnOddTrailingOctetDecodesItAsReplacement() {
      assertEquals("A\ufffd", SmsText.decode(Hex.bytes("0041 00"), SmsEncoding.UCS2));
   }

   @Test
   void checkFindsOctetsThatWouldDecodeToReplacements() {
      // IA5/ASCII and unpacked GSM 7-bit define nothing above 0x7F
      assertEquals(SmsText.Validity.UNDEFINED_OCTETS, SmsText.check(Hex.bytes("41 b0 42"), 0, 3, SmsEncoding.ASCII));
      assertEquals(SmsText.Validity.UNDEFINED_OCTETS, SmsText.check(Hex.bytes("41 e9"), 0, 2, SmsEncoding.GSM7));
      assertEquals(SmsText.Validity.VALID, SmsText.check(Hex.bytes("b0 41 42"), 1, 2, SmsEncoding.ASCII));
      // "00 41 00 42 4e" decoded to "AB\ufffd"
      assertEquals(SmsText.Validity.ODD_LENGTH, SmsText.check(Hex.bytes("0041 0042 4e"), 0, 5, SmsEncoding.UCS2));
      assertEquals(SmsText.Validity.VALID, SmsText.check(Hex.bytes("0041 d83d"), 0, 4, SmsEncoding.UCS2), "a split pair passes");
      // a GB lead byte with nothing after it
      assertEquals(SmsText.Validity.UNDEFINED_OCTETS, SmsText.check(Hex.bytes("d6d0 d6"), 0, 3, SmsEncoding.GBK));
      assertEquals(SmsText.Validity.VALID, SmsText.check(Hex.bytes("d6d0 cec4"), 0, 4, SmsEncoding.GBK));
      assertEquals(SmsText.Validity.VALID, SmsText.check(Hex.bytes("ff e9 b0"), 0, 3, SmsEncoding.LATIN1));
      assertEquals(SmsText.Validity.VALID, SmsText.check(Hex.bytes("ff e9 b0"), 0, 3, SmsEncoding.BINARY));
   }

   @Test
   void latin1AndAscii() {
      assertArrayEquals(Hex.bytes("e9"), SmsText.encode("\u00e9", SmsEncoding.LATIN1));
      assertEquals("\u00e9", SmsText.decode(Hex.bytes("e9"), SmsEncoding.LATIN1));
      assertArrayEquals(Hex.bytes("48693f"), SmsText.encode("Hi\u00e9", SmsEncoding.ASCII));
      assertEquals("Hi\ufffd", SmsText.decode(Hex.bytes("4869e9"), SmsEncoding.ASCII));
      assertTrue(SmsText.canEncode("\u00e9", SmsEncoding.LATIN1));
      assertFalse(SmsText.canEncode("\u00e9", SmsEncoding.ASCII));
   }

   @Test
   void gbkEncodesChineseInTwoOctetsAndDecodesViaGb18030() {
      byte[] octets = SmsText.encode("\u4f60\u597dA", SmsEncoding.GBK);
      assertEquals("c4e3bac341", Hex.string(octets));
      assertEquals("\u4f60\u597dA", SmsText.decode(octets, SmsEncoding.GBK));
      // An emoji is a four-octet GB18030 sequence, beyond what GBK itself can carry.
      byte[] gb18030 = "\ud83d\ude00".getBytes(java.nio.charset.Charset.forName("GB18030"));
      assertEquals("\ud83d\ude00", SmsText.decode(gb18030, SmsEncoding.GBK));
      assertTrue(SmsText.canEncode("\u4f60", SmsEncoding.GBK));
      assertFalse(SmsText.canEncode("\ud83d\ude00", SmsEncoding.GBK));
   }

   @Test
   void truncatedGbkDecodesAsReplacement() {
      assertEquals("A\ufffd", SmsText.decode(Hex.bytes("41c4"), SmsEncoding.GBK));
   }

   @Test
   void binaryRoundTripsEveryOctet() {
      byte[] all = new byte[256];
      for (int i = 0; i < all.length; i++) {
         all[i] = (byte) i;
      }
      assertArrayEquals(all, SmsText.encode(SmsText.decode(all, SmsEncoding.BINARY), SmsEncoding.BINARY));
   }

   @Test
   void decodesOnlyTheRequestedRange() {
      assertEquals("ell", SmsText.decode("Hello".getBytes(), 1, 3, SmsEncoding.ASCII));
   }

   @Test
   void choosesGsm7WhenEveryCharacterIsInTheBasicOrExtensionTable() {
      assertEquals(SmsEncoding.GSM7, SmsText.chooseEncoding("Hello {world} costs 5\u20ac"));
      assertEquals(SmsEncoding.GSM7, SmsText.chooseEncoding(""));
      assertEquals(SmsEncoding.UCS2, SmsText.chooseEncoding("Hello \u4f60\u597d"));
      assertEquals(SmsEncoding.UCS2, SmsText.chooseEncoding("\u00c7a va"));
      assertEquals(SmsEncoding.UCS2, SmsText.chooseEncoding("\ud83d\ude00"));
   }
}
