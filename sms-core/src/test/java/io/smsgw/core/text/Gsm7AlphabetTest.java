package io.smsgw.core.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Gsm7AlphabetTest {

   @Test
   void everyBasicCodeExceptEscapeDecodesToACharThatEncodesBackToIt() {
      for (int septet = 0; septet < 128; septet++) {
         if (septet == Gsm7Alphabet.ESCAPE) {
            continue;
         }
         String decoded = Gsm7Alphabet.decode(new byte[] {(byte) septet}, 0, 1);
         assertEquals(1, decoded.length(), "septet " + septet);
         assertArrayEquals(new byte[] {(byte) septet}, Gsm7Alphabet.encode(decoded), "septet " + septet);
      }
   }

   @Test
   void basicTableSpotChecks() {
      assertEquals("@\u00a3$\u00a5", Gsm7Alphabet.decode(Hex.bytes("00010203"), 0, 4));
      assertEquals("\u00e7", Gsm7Alphabet.decode(Hex.bytes("09"), 0, 1));
      assertEquals("\u00a4", Gsm7Alphabet.decode(Hex.bytes("24"), 0, 1));
      assertEquals("\u0394_", Gsm7Alphabet.decode(Hex.bytes("1011"), 0, 2));
      assertEquals("\u00a1\u00bf\u00e0", Gsm7Alphabet.decode(Hex.bytes("40607f"), 0, 3));
      assertArrayEquals(Hex.bytes("48656c6c6f"), Gsm7Alphabet.encode("Hello"));
   }

   @ParameterizedTest
   @CsvSource({
      "\u20ac, 1b65", "[, 1b3c", "], 1b3e", "{, 1b28", "}, 1b29",
      "~, 1b3d", "\\, 1b2f", "|, 1b40", "^, 1b14"
   })
   void extensionCharactersUseTheEscapeAndCountTwoSeptets(char c, String hex) {
      String text = String.valueOf(c);
      assertTrue(Gsm7Alphabet.canEncode(text));
      assertEquals(2, Gsm7Alphabet.septetCount(text));
      assertArrayEquals(Hex.bytes(hex), Gsm7Alphabet.encode(text));
      assertEquals(text, Gsm7Alphabet.decode(Hex.bytes(hex), 0, 2));
   }

   @Test
   void formFeedIsAnExtensionCharacter() {
      assertArrayEquals(Hex.bytes("1b0a"), Gsm7Alphabet.encode("\f"));
      assertEquals("\f", Gsm7Alphabet.decode(Hex.bytes("1b0a"), 0, 2));
   }

   @Test
   void mixedTextRoundTrips() {
      String text = "Price: 5\u20ac [or] {x} ~a\\b|c^ @\u00a3$\u00a5 \u00c4\u00d6\u00dc\u00df\n";
      assertTrue(Gsm7Alphabet.canEncode(text));
      byte[] septets = Gsm7Alphabet.encode(text);
      assertEquals(text.length() + 9, septets.length);
      assertEquals(septets.length, Gsm7Alphabet.septetCount(text));
      assertEquals(text, Gsm7Alphabet.decode(septets, 0, septets.length));
   }

   @ParameterizedTest
   @ValueSource(strings = {"\u00c7a va", "\u4f60\u597d", "smile \ud83d\ude00", "`", "\u00e1"})
   void charactersOutsideBothTablesAreNotEncodable(String text) {
      assertFalse(Gsm7Alphabet.canEncode(text));
   }

   @Test
   void unencodableCharactersEncodeAsQuestionMarkWithoutFailing() {
      assertArrayEquals(Hex.bytes("613f62"), Gsm7Alphabet.encode("a\u4f60b"));
      assertEquals(3, Gsm7Alphabet.septetCount("a\u4f60b"));
   }

   @Test
   void octetsAboveSevenBitsDecodeAsReplacement() {
      assertEquals("a\ufffdb", Gsm7Alphabet.decode(Hex.bytes("61 80 62"), 0, 3));
      assertEquals("\ufffd", Gsm7Alphabet.decode(Hex.bytes("1b ff"), 0, 2));
   }

   @Test
   void escapeBeforeAnUndefinedCodeFallsBackToTheBasicCharacter() {
      assertEquals("A", Gsm7Alphabet.decode(Hex.bytes("1b 41"), 0, 2));
   }

   @Test
   void doubleEscapeDecodesAsSpace() {
      assertEquals(" a", Gsm7Alphabet.decode(Hex.bytes("1b 1b 61"), 0, 3));
   }

   @Test
   void decodesOnlyTheRequestedRange() {
      assertEquals("ell", Gsm7Alphabet.decode(Gsm7Alphabet.encode("Hello"), 1, 3));
   }
}
