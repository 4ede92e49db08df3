package io.smsgw.core.concat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smsgw.core.text.SmsEncoding;
import org.junit.jupiter.api.Test;

/** The parts an account's rate, quota and longest message count agree with what the splitter cuts. */
class SmsPartsTest {

   @Test
   void gsmTextIsOneSmsUpTo160SeptetsThen153APart() {
      assertEquals(1, SmsParts.ofText(""));
      assertEquals(1, SmsParts.ofText("a".repeat(160)));
      assertEquals(2, SmsParts.ofText("a".repeat(161)));
      assertEquals(10, SmsParts.ofText("a".repeat(1530)));
      assertEquals(11, SmsParts.ofText("a".repeat(1531)));
      assertEquals(2, SmsParts.ofText("€".repeat(81)), "extension characters take two septets");
   }

   @Test
   void textGsmCannotCarryGoesAsUcs2() {
      assertEquals(1, SmsParts.ofText("`".repeat(70)));
      assertEquals(3, SmsParts.ofText("`" + "x".repeat(158)), "159 characters of UCS2, 67 a part");
      assertEquals(2, SmsParts.ofText("短".repeat(71)));
   }

   @Test
   void binaryIsOneSmsUpTo140OctetsThen134APart() {
      assertEquals(1, SmsParts.ofBinary(140));
      assertEquals(2, SmsParts.ofBinary(141));
      assertEquals(2, SmsParts.ofBinary(268));
      assertEquals(3, SmsParts.ofBinary(269));
   }

   @Test
   void countsAgreeWithTheSplitter() {
      ConcatReference reference = ConcatReference.eightBit(1);
      for (int length : new int[] {159, 160, 161, 306, 307, 1000}) {
         String gsm = "g".repeat(length);
         assertEquals(SmsSplitter.split(gsm, SmsEncoding.GSM7, reference).size(), SmsParts.ofText(gsm), "GSM " + length);
         String ucs2 = "文".repeat(length);
         assertEquals(SmsSplitter.split(ucs2, SmsEncoding.UCS2, reference).size(), SmsParts.ofText(ucs2), "UCS2 " + length);
         assertEquals(SmsSplitter.split(new byte[length], reference).size(), SmsParts.ofBinary(length), "binary " + length);
      }
   }
}
