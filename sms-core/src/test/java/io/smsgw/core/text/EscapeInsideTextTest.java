package io.smsgw.core.text;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * U+001B is GSM-encodable only as the last character of a text (the half of an extension character a client-split
 * part ends with). In the middle of an application's text it would join the next septet into another character on the
 * handset ("\u001be" shown as the euro sign), so such a text is not GSM.
 */
class EscapeInsideTextTest {

   @Test
   void anEscapeInsideATextIsNotGsm() {
      assertFalse(Gsm7Alphabet.canEncode("price \u001be 5"));
      assertFalse(SmsText.canEncode("price \u001be 5", SmsEncoding.GSM7));
      assertTrue(SmsText.canEncode("price \u001be 5", SmsEncoding.UCS2), "it goes as UCS2 instead");
   }

   @Test
   void anEscapeThatEndsATextIsGsm() {
      assertTrue(Gsm7Alphabet.canEncode("aaa\u001b"));
      assertTrue(SmsText.canEncode("aaa\u001b", SmsEncoding.GSM7));
   }
}
