package io.smsgw.core.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smsgw.core.concat.SegmentFit;
import io.smsgw.core.concat.SmsParts;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.contract.SmsKind;
import io.smsgw.core.contract.SmsMessageBuilder;
import io.smsgw.core.contract.SmsMessageReader;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.junit.jupiter.api.Test;

/**
 * A part of a long message that whoever split it cut inside a character (a GSM escape sequence, a UTF-16 surrogate
 * pair) decodes to text that encodes back to the same octets, and counts as one SMS in its coding, so it goes on as it
 * came and joins its sibling on the handset (decision 81).
 */
class SplitCharacterRoundTripTest {

   @Test
   void ucs2PartEndingInAHighSurrogateRoundTrips() {
      byte[] octets = Hex.bytes("0048 0069 d83d");
      String text = SmsText.decode(octets, SmsEncoding.UCS2);
      assertEquals("Hi\ud83d", text, "the half emoji stays, no U+FFFD");
      assertArrayEquals(octets, SmsText.encode(text, SmsEncoding.UCS2));
   }

   @Test
   void ucs2PartStartingWithALowSurrogateRoundTrips() {
      byte[] octets = Hex.bytes("050003a70202 de00 0021");
      String text = SmsText.decode(octets, 6, 4, SmsEncoding.UCS2);
      assertEquals("\ude00!", text);
      assertEquals("de000021", Hex.string(SmsText.encode(text, SmsEncoding.UCS2)));
   }

   @Test
   void theTwoUcs2HalvesJoinIntoTheEmoji() {
      String joined = SmsText.decode(Hex.bytes("0041 d83d"), SmsEncoding.UCS2) + SmsText.decode(Hex.bytes("de00"), SmsEncoding.UCS2);
      assertEquals("A\ud83d\ude00", joined);
   }

   @Test
   void ucs2TakesEveryCharIncludingAnUnpairedSurrogate() {
      assertTrue(SmsText.canEncode("\ud83dA", SmsEncoding.UCS2));
      assertEquals("d83d0041", Hex.string(SmsText.encode("\ud83dA", SmsEncoding.UCS2)));
      // an odd trailing octet is still no character
      assertEquals("A\ufffd", SmsText.decode(Hex.bytes("0041 00"), SmsEncoding.UCS2));
   }

   @Test
   void gsmPartEndingInTheEscapeRoundTrips() {
      byte[] septets = new byte[153];
      java.util.Arrays.fill(septets, (byte) 'a');
      septets[152] = 0x1B;
      String text = SmsText.decode(septets, SmsEncoding.GSM7);
      assertEquals("a".repeat(152) + "\u001b", text, "the escape stays, no U+FFFD");
      assertArrayEquals(septets, SmsText.encode(text, SmsEncoding.GSM7));
      assertArrayEquals(septets, Gsm7Alphabet.encode(text));
   }

   @Test
   void theGsmEscapeIsOneSeptetAndJoinsTheNextPartIntoTheEuroSign() {
      assertTrue(Gsm7Alphabet.canEncode('\u001b'));
      assertEquals(1, Gsm7Alphabet.septetCount('\u001b'));
      String first = Gsm7Alphabet.decode(Hex.bytes("61 1b"), 0, 2);
      assertEquals("a\u001b", first);
      String second = Gsm7Alphabet.decode(Hex.bytes("65 31"), 0, 2);
      byte[] joined = Gsm7Alphabet.encode(first + second);
      assertEquals("611b6531", Hex.string(joined));
      assertEquals("a\u20ac1", Gsm7Alphabet.decode(joined, 0, joined.length));
   }

   @Test
   void packedGsmPartEndingInTheEscapeRoundTrips() {
      byte[] packed = Gsm7Packing.encode("ab\u001b", 0);
      assertEquals("ab\u001b", Gsm7Packing.decode(packed, 0, packed.length, 3, 0));
   }

   @Test
   void fullPartsCutInsideACharacterStillFitOneSmsInTheirCoding() {
      String gsm = "a".repeat(152) + "\u001b";
      assertEquals(153, SegmentFit.size(gsm, SmsEncoding.GSM7));
      assertTrue(SegmentFit.fits(gsm, SmsEncoding.GSM7, 6));
      assertEquals(SmsEncoding.GSM7, SegmentFit.forSmpp(gsm, 6, SmsEncoding.GSM7, true));
      assertEquals(1, SmsParts.ofText(gsm), "153 septets: one SMS");

      String ucs2 = "b".repeat(66) + "\ud83d";
      assertEquals(134, SegmentFit.size(ucs2, SmsEncoding.UCS2));
      assertTrue(SegmentFit.fits(ucs2, SmsEncoding.UCS2, 6));
      assertEquals(SmsEncoding.UCS2, SegmentFit.forSmpp(ucs2, 6, SmsEncoding.UCS2, true));
      assertEquals(SmsEncoding.UCS2, SegmentFit.forSmpp("\ude00 ok", 6, SmsEncoding.UCS2, true));
   }

   @Test
   void checkStillLetsBothHalvesThrough() {
      assertEquals(SmsText.Validity.VALID, SmsText.check(Hex.bytes("0041 d83d"), 0, 4, SmsEncoding.UCS2));
      assertEquals(SmsText.Validity.VALID, SmsText.check(Hex.bytes("61 1b"), 0, 2, SmsEncoding.GSM7));
   }

   @Test
   void aCoreTextBodyKeepsTheHalvesAsTheyAre() {
      for (String text : new String[] {"Hi\ud83d", "\ude00!", "a\u001b"}) {
         CoreMessage message = SmsMessageBuilder.create(1, SimpleString.of(SmsAddresses.MT), SmsKind.MT).text(text).build();
         assertEquals(text, new SmsMessageReader(message).text());
         // what a CORE/JMS TextMessage body is
         assertEquals(text, SimpleString.of(text).toString());
      }
   }
}
