package io.smsgw.core.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class DefaultAlphabetTest {

   private static final byte[] UDH = {0x05, 0x00, 0x03, 0x2B, 0x02, 0x01};

   private static byte[] withUdh(byte[] text) {
      byte[] out = java.util.Arrays.copyOf(UDH, UDH.length + text.length);
      System.arraycopy(text, 0, out, UDH.length, text.length);
      return out;
   }

   @Test
   void eachAlphabetReadsAndWritesItsOwnOctets() {
      assertEquals("e8329bfd4697d9ec37", Hex.string(DefaultAlphabet.GSM7_PACKED.encode("hellohello", 0)));
      assertEquals("hellohello", DefaultAlphabet.GSM7_PACKED.decode(Hex.bytes("e8329bfd4697d9ec37"), 0));
      assertArrayEquals(Gsm7Alphabet.encode("hellohello"), DefaultAlphabet.GSM7.encode("hellohello", 0));
      assertArrayEquals("Grüße".getBytes(StandardCharsets.ISO_8859_1), DefaultAlphabet.LATIN1.encode("Grüße", 0));
      assertEquals("Grüße", DefaultAlphabet.LATIN1.decode("Grüße".getBytes(StandardCharsets.ISO_8859_1), 0));
      assertEquals("a?", DefaultAlphabet.ASCII.decode(new byte[] {'a', '?'}, 0));
   }

   @Test
   void packedTextBehindAUserDataHeaderStartsAfterTheFillBits() {
      byte[] userData = withUdh(DefaultAlphabet.GSM7_PACKED.encode("part one", UDH.length));
      assertEquals(0xE0, userData[6] & 0xFF, "'p' (0x70) behind one fill bit");
      assertEquals("part one", DefaultAlphabet.GSM7_PACKED.decode(userData, UDH.length));
      assertEquals("ête", DefaultAlphabet.LATIN1.decode(withUdh("ête".getBytes(StandardCharsets.ISO_8859_1)), UDH.length));
   }

   @Test
   void configurationNamesAreLowerCaseWithDashes() {
      assertEquals("gsm7-packed", DefaultAlphabet.GSM7_PACKED.configName());
      assertEquals(SmsEncoding.GSM7, DefaultAlphabet.GSM7_PACKED.encoding());
      assertEquals(SmsEncoding.LATIN1, DefaultAlphabet.LATIN1.encoding());
   }
}
